import { createHmac, createSecretKey, type KeyObject, timingSafeEqual } from 'node:crypto';

/**
 * HS256 signature check, hand-written because it runs on every Connect request and jose's
 * general `jwtVerify` is several times slower (test/bench/jwt.bench.ts measures it). The
 * equivalence with jose is proven by test/jwt/hs256.differential.test.ts.
 *
 * The signature is decoded and compared as bytes, in constant time; a signature that decodes to
 * the right bytes through a non-canonical encoding (spare low bits set) is refused, as jose does.
 */
export function hs256SignatureMatches(signingInput: string, signature: string, secret: string): boolean {
  if (signature.length !== HS256_SIGNATURE_LENGTH || !canonicalLastChar(signature.charCodeAt(HS256_SIGNATURE_LENGTH - 1))) return false;
  const received = Buffer.from(signature, 'base64url');
  if (received.length !== HS256_BYTES) return false;
  return timingSafeEqual(createHmac('sha256', keyOf(secret)).update(signingInput).digest(), received);
}

/** base64url length of a 32-byte HMAC-SHA256, unpadded. */
const HS256_SIGNATURE_LENGTH = 43;
const HS256_BYTES = 32;

/**
 * The last of 43 characters carries 4 bits of the 256: its 2 low bits must be zero. Those
 * characters are A E I M Q U Y c g k o s w 0 4 8 (alphabet indexes divisible by 4).
 */
function canonicalLastChar(code: number): boolean {
  const index =
    code >= 65 && code <= 90
      ? code - 65
      : code >= 97 && code <= 122
        ? code - 71
        : code >= 48 && code <= 57
          ? code + 4
          : code === 45
            ? 62
            : code === 95
              ? 63
              : -1;
  return index >= 0 && index % 4 === 0;
}

/**
 * HMAC keys, imported once per shared secret: a string key is converted and imported again on
 * every `createHmac`. Bounded, since the secrets are those of installed clients and a warm Lambda
 * sees few of them; the oldest key is dropped first.
 */
const KEY_CACHE_SIZE = 256;
const keys = new Map<string, KeyObject>();
function keyOf(secret: string): KeyObject {
  let key = keys.get(secret);
  if (key === undefined) {
    key = createSecretKey(Buffer.from(secret, 'utf8'));
    if (keys.size >= KEY_CACHE_SIZE) keys.delete(keys.keys().next().value as string);
    keys.set(secret, key);
  }
  return key;
}
