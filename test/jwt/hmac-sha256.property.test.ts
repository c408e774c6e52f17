import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hmacSha256Base64url } from '../../lib/jwt/hmac-sha256.ts';

/** The reference: Node's own HMAC, keyed by the secret's UTF-8 bytes as a string key is. */
const reference = (secret: string, message: string) => createHmac('sha256', secret).update(message).digest('base64url');

/** Text that crosses every boundary that matters: ASCII, 2-, 3- and 4-byte UTF-8, lone surrogates. */
const text = (maxLength: number) =>
  fc.array(fc.oneof(fc.string({ maxLength: 4 }), fc.constantFrom('é', '日', '😀', '\uD800', '\uDFFF', '.')), { maxLength }).map((parts) => parts.join(''));

describe('hmacSha256Base64url', () => {
  it('equals createHmac for any secret (shorter than, as long as and longer than a block) and message', () => {
    fc.assert(
      fc.property(text(40), text(200), (secret, message) => {
        expect(hmacSha256Base64url(secret, message)).toBe(reference(secret, message));
      }),
      { numRuns: 3000 },
    );
  });

  it('equals createHmac for keys around the 64-byte block size, where the key is hashed first beyond it', () => {
    for (const length of [0, 1, 63, 64, 65, 128, 500]) {
      const secret = 'k'.repeat(length);
      expect(hmacSha256Base64url(secret, 'header.payload'), `key of ${length} bytes`).toBe(reference(secret, 'header.payload'));
    }
    // 32 two-byte characters: 64 bytes from 32 code units, and one more crosses the block.
    for (const secret of ['é'.repeat(32), 'é'.repeat(33)]) expect(hmacSha256Base64url(secret, 'm')).toBe(reference(secret, 'm'));
  });

  it('equals createHmac for a message too long for the reused input buffer, and for the next short one', () => {
    const long = `${'日'.repeat(9000)}.${'x'.repeat(20_000)}`;
    expect(hmacSha256Base64url('secret', long)).toBe(reference('secret', long));
    expect(hmacSha256Base64url('secret', 'short')).toBe(reference('secret', 'short'));
  });

  it('gives each of many secrets its own result after the pad cache has dropped the oldest', () => {
    const secrets = Array.from({ length: 300 }, (_, i) => `secret-${i}`);
    for (const secret of secrets) hmacSha256Base64url(secret, 'warm');
    for (const secret of [secrets[0]!, secrets[299]!, secrets[150]!]) expect(hmacSha256Base64url(secret, 'a.b')).toBe(reference(secret, 'a.b'));
  });
});
