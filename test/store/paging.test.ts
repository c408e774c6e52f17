import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compareUtf8 } from '../../lib/store/paging.ts';

const byBytes = (a: string, b: string) => Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
/** Strings that meet at surrogates and the units above them, where UTF-16 and UTF-8 orders differ. */
const tricky = fc.string({ unit: fc.constantFrom('a', 'z', '\u00e9', '\ud7ff', '\ue000', '\uffff', '\ud83d\ude00', '\ud800', '\udfff') });

describe('compareUtf8', () => {
  it('orders as the UTF-8 bytes do, for any strings', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: 'binary' }), tricky), fc.oneof(fc.string({ unit: 'binary' }), tricky), (a, b) => {
        expect(Math.sign(compareUtf8(a, b))).toBe(byBytes(a, b));
      }),
      { numRuns: 2_000 },
    );
  });

  it('puts a character above the surrogates after an emoji, as DynamoDB does', () => {
    const [high, emoji]: string[] = ['\uffff', '\ud83d\ude00'];
    expect(compareUtf8(high!, emoji!)).toBeLessThan(0);
    // JavaScript's own order (UTF-16 units) puts them the other way round.
    expect(high! > emoji!).toBe(true);
  });
});
