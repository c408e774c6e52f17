import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalQuery, canonicalRawQuery, parseRawQuery } from '../../lib/jwt/query.ts';

/** Characters that exercise every branch: unreserved, reserved, `+`, `%` with and without hex, `=`, `&`, non-ASCII, lone surrogates. */
const queryChar = fc.oneof(
  fc.constantFrom('a', 'Z', '0', '-', '.', '_', '~', '+', '%', '=', '&', '*', '!', ':', '/', ' ', 'é', '日', '\uD800', ','),
  fc.constantFrom('%2A', '%2a', '%3A', '%41', '%7E', '%7e', '%20', '%2B', '%26', '%3D', '%C3%A9', '%E6%97%A5', '%FF', '%C3', '%0A', '%7F', '%5F', '%2D'),
  fc.string({ maxLength: 2 }),
);
const rawQuery = fc.array(queryChar, { maxLength: 24 }).map((parts) => parts.join(''));
const pairs = fc
  .array(
    fc.tuple(
      fc.constantFrom('a', 'b', 'jwt', 'j%77t', '%61', 'a%5B%5D', 'x+y', ''),
      fc.array(queryChar, { maxLength: 6 }).map((p) => p.join('')),
    ),
    { maxLength: 6 },
  )
  .map((list) => list.map(([name, value]) => `${name}=${value}`).join('&'));

describe('canonicalRawQuery', () => {
  it('equals canonicalQuery of the parsed query for arbitrary raw queries', () => {
    fc.assert(
      fc.property(fc.oneof(rawQuery, pairs), (raw) => {
        expect(canonicalRawQuery(raw)).toBe(canonicalQuery(parseRawQuery(raw)));
      }),
      { numRuns: 5000 },
    );
  });

  it('keeps components already in canonical form as sent and drops the jwt parameter', () => {
    expect(canonicalRawQuery('xdm_e=https%3A%2F%2Fexample.atlassian.net&jwt=abc.def.ghi&cp=')).toBe('cp=&xdm_e=https%3A%2F%2Fexample.atlassian.net');
  });

  it('drops the jwt parameter however its name is spelled, with or without a value, like the general path', () => {
    for (const raw of ['j%77t&a=1', 'jwt&a=1', 'j%77t=x.y.z&a=1', '%6Awt=&a=1', 'a=1&jwt']) {
      expect(canonicalRawQuery(raw), raw).toBe('a=1');
      expect(canonicalQuery(parseRawQuery(raw)), raw).toBe('a=1');
    }
  });

  it('orders a name before the longer names it is a prefix of, whatever characters follow', () => {
    expect(canonicalRawQuery('a.b=2&a=1&a-=3&a0=4&a%25=5')).toBe(canonicalQuery(parseRawQuery('a.b=2&a=1&a-=3&a0=4&a%25=5')));
    expect(canonicalRawQuery('a.b=2&a=1')).toBe('a=1&a.b=2');
  });

  it('gives a long query (past the insertion-sort limit) the same canonical form as the general path', () => {
    for (const count of [33, 2000]) {
      const raw = Array.from({ length: count }, (_, i) => `p${((count - i) * 7919) % 10007}=${i}`).join('&');
      expect(canonicalRawQuery(raw)).toBe(canonicalQuery(parseRawQuery(raw)));
    }
  });

  it('merges names that decode alike and orders repeated values by their decoded text', () => {
    expect(canonicalRawQuery('a=z&%61=%2A&a=B')).toBe('a=%2A,B,z');
  });
});
