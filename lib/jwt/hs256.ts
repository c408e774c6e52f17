import { timingSafeEqual } from 'node:crypto';
import { hmacSha256Base64url } from './hmac-sha256.ts';

/**
 * HS256 signature check, hand-written because it runs on every Connect request and jose's
 * general `jwtVerify` is several times slower (test/bench/jwt.bench.ts measures it). The
 * equivalence with jose is proven by test/jwt/hs256.differential.test.ts.
 *
 * The expected signature's canonical base64url text is compared with the received text, in
 * constant time: a signature that decodes to the right bytes through another spelling (spare
 * low bits set in the last character, padding) is refused, so no token has two spellings.
 */
export function hs256SignatureMatches(signingInput: string, signature: string, secret: string): boolean {
  if (signature.length !== HS256_SIGNATURE_LENGTH) return false;
  // 43 bytes from 43 code units exactly when every one is ASCII; otherwise it cannot match.
  if (received.write(signature, 0, 'utf8') !== HS256_SIGNATURE_LENGTH) return false;
  expected.write(hmacSha256Base64url(secret, signingInput), 0, 'latin1');
  return timingSafeEqual(expected, received);
}

/** base64url length of a 32-byte HMAC-SHA256, unpadded. */
const HS256_SIGNATURE_LENGTH = 43;

/** Reused for every comparison: the check is synchronous from write to compare. */
const expected = Buffer.alloc(HS256_SIGNATURE_LENGTH);
const received = Buffer.alloc(HS256_SIGNATURE_LENGTH);
