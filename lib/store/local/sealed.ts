import { createCipheriv, createDecipheriv, randomFillSync } from 'node:crypto';
import { StoreCorruptedError } from '../errors.ts';

/**
 * The envelope of every local store file: magic + format byte, a fresh 96-bit IV, the GCM tag,
 * then AES-256-GCM ciphertext. The header and the caller's associated data (a secret's name, an
 * item's path) are authenticated, so a flipped bit, a truncation or a file moved under another
 * name all fail the tag check.
 */
const HEADER_TEXT = 'TLSEALv1';
const HEADER = Buffer.from(HEADER_TEXT, 'latin1');
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** Random bytes drawn in bulk: one randomFillSync per 341 IVs instead of a randomBytes call each. */
const ivPool = Buffer.alloc(IV_BYTES * 341);
let ivPoolOffset = ivPool.length;

/** The next IV: a view into the pool, valid until the next call (createCipheriv copies it). */
function freshIv(): Buffer {
  if (ivPoolOffset + IV_BYTES > ivPool.length) {
    randomFillSync(ivPool);
    ivPoolOffset = 0;
  }
  ivPoolOffset += IV_BYTES;
  return ivPool.subarray(ivPoolOffset - IV_BYTES, ivPoolOffset);
}

/**
 * Encrypts `plaintext` under `key`, binding it to `associatedData`. The envelope starts after
 * `reserve` bytes left for the caller (a frame header), so that the result is one allocation.
 */
export function seal(key: Buffer, associatedData: string, plaintext: Buffer | string, reserve = 0): Buffer {
  const iv = freshIv();
  const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(Buffer.from(`${HEADER_TEXT}${associatedData}`, 'utf8'));
  const ciphertext = typeof plaintext === 'string' ? cipher.update(plaintext, 'utf8') : cipher.update(plaintext);
  const tail = cipher.final();
  const sealed = Buffer.allocUnsafe(reserve + HEADER.length + IV_BYTES + TAG_BYTES + ciphertext.length + tail.length);
  let at = reserve + HEADER.copy(sealed, reserve);
  at += iv.copy(sealed, at);
  at += cipher.getAuthTag().copy(sealed, at);
  at += ciphertext.copy(sealed, at);
  tail.copy(sealed, at);
  return sealed;
}

/** Decrypts a sealed file's bytes; StoreCorruptedError naming `file` when anything fails to authenticate. */
export function unseal(key: Buffer, associatedData: string, sealed: Buffer, file: string): Buffer {
  const bodyStart = HEADER.length + IV_BYTES + TAG_BYTES;
  if (sealed.length < bodyStart || !sealed.subarray(0, HEADER.length).equals(HEADER)) throw new StoreCorruptedError(file);
  const iv = sealed.subarray(HEADER.length, HEADER.length + IV_BYTES);
  const tag = sealed.subarray(HEADER.length + IV_BYTES, bodyStart);
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
    decipher.setAAD(Buffer.from(`${HEADER_TEXT}${associatedData}`, 'utf8'));
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(sealed.subarray(bodyStart)), decipher.final()]);
  } catch (error) {
    throw new StoreCorruptedError(file, { cause: error });
  }
}
