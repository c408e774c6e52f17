import { hash } from 'node:crypto';

/**
 * HMAC-SHA256 (RFC 2104) built from two one-shot SHA-256 calls over pads prepared once per key.
 * `createHmac` builds a stream object and a native context on every call, which dominated the
 * Connect validation profile; the one-shot `hash` does neither. OpenSSL still does all the
 * hashing. test/jwt/hmac-sha256.property.test.ts proves it equal to `createHmac`.
 */

/** SHA-256's block size: keys are padded (or first hashed) to it. */
const BLOCK = 64;
const DIGEST_BYTES = 32;
const IPAD = 0x36;
const OPAD = 0x5c;

/**
 * `K XOR ipad`, and `K XOR opad` followed by room for the inner digest: the outer hash's whole
 * input, kept per secret so only the digest is written on each call.
 */
interface Pads {
  readonly inner: Buffer;
  readonly outer: Buffer;
}

/**
 * Pads by secret, derived once: a warm Lambda validates many tokens of few installed clients.
 * Bounded, the oldest dropped first. Buffer.alloc, not allocUnsafe: the pads get memory of their
 * own, not a slice of the shared Buffer pool.
 */
const PADS_CACHE_SIZE = 256;
const padsBySecret = new Map<string, Pads>();

function padsOf(secret: string): Pads {
  const known = padsBySecret.get(secret);
  if (known !== undefined) return known;
  let key = Buffer.from(secret, 'utf8');
  if (key.length > BLOCK) key = hash('sha256', key, 'buffer');
  const inner = Buffer.alloc(BLOCK, IPAD);
  const outer = Buffer.alloc(BLOCK + DIGEST_BYTES).fill(OPAD, 0, BLOCK);
  for (const [i, byte] of key.entries()) {
    inner[i] = IPAD ^ byte;
    outer[i] = OPAD ^ byte;
  }
  const pads = { inner, outer };
  if (padsBySecret.size >= PADS_CACHE_SIZE) padsBySecret.delete(padsBySecret.keys().next().value as string);
  padsBySecret.set(secret, pads);
  return pads;
}

/**
 * The inner hash's input, reused (validation is synchronous between write and hash): a pad, then
 * a token's signing input; a longer message gets a buffer of its own.
 */
const INNER_ROOM = 3 * 8192;
const innerInput = Buffer.alloc(BLOCK + INNER_ROOM);

/**
 * HMAC-SHA256 of the UTF-8 bytes of `message` under the UTF-8 bytes of `secret`, as base64url
 * without padding (the JWS signature spelling).
 *
 * @example hmacSha256Base64url('secret', 'header.payload') // 43 characters
 */
export function hmacSha256Base64url(secret: string, message: string): string {
  const pads = padsOf(secret);
  // UTF-8 takes at most 3 bytes per UTF-16 code unit.
  const input = message.length * 3 <= INNER_ROOM ? innerInput : Buffer.alloc(BLOCK + Buffer.byteLength(message, 'utf8'));
  input.set(pads.inner, 0);
  const written = input.write(message, BLOCK, 'utf8');
  // The inner digest travels as a 'binary' (latin1) string: one character per byte, written back byte for byte.
  const innerDigest = hash('sha256', input.subarray(0, BLOCK + written), 'binary');
  pads.outer.write(innerDigest, BLOCK, 'binary');
  return hash('sha256', pads.outer, 'base64url');
}
