import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * HS256 signature check, hand-written because it runs on every Connect request and jose's
 * general `jwtVerify` is several times slower (test/bench/jwt.bench.ts measures it). The
 * equivalence with jose is proven by test/jwt/hs256.differential.test.ts.
 *
 * The comparison is on the base64url text and in constant time, so a signature that decodes to
 * the right bytes through a non-canonical encoding (spare low bits set) is refused.
 */
export function hs256SignatureMatches(signingInput: string, signature: string, secret: string): boolean {
  if (signature.length !== HS256_SIGNATURE_LENGTH) return false;
  const expected = Buffer.from(createHmac('sha256', secret).update(signingInput).digest('base64url'), 'latin1');
  return timingSafeEqual(expected, Buffer.from(signature, 'latin1'));
}

/** base64url length of a 32-byte HMAC-SHA256, unpadded. */
const HS256_SIGNATURE_LENGTH = 43;
