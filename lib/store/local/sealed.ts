import { createCipheriv, createDecipheriv, randomFillSync } from 'node:crypto';
import { StoreCorruptedError } from '../errors.ts';

/**
 * The envelope of every local store file: magic + format byte, a fresh 96-bit IV, the GCM tag,
 * then AES-256-GCM ciphertext. The header and the caller's associated data (a secret's name, an
 * item's path) are authenticated, so a flipped bit, a truncation or a file moved under another
 * name all fail the tag check.
 */
const HEADER = Buffer.from('TLSEALv1', 'latin1');
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** Random bytes drawn in bulk: one randomFillSync per 341 IVs instead of a randomBytes call each. */
const ivPool = Buffer.alloc(IV_BYTES * 341);
let ivPoolOffset = ivPool.length;

function freshIv(): Buffer {
  if (ivPoolOffset + IV_BYTES > ivPool.length) {
    randomFillSync(ivPool);
    ivPoolOffset = 0;
  }
  // A copy: the pool is refilled in place.
  const iv = Buffer.from(ivPool.subarray(ivPoolOffset, ivPoolOffset + IV_BYTES));
  ivPoolOffset += IV_BYTES;
  return iv;
}

/** Encrypts `plaintext` under `key`, binding it to `associatedData`. */
export function seal(key: Buffer, associatedData: string, plaintext: Buffer): Buffer {
  const iv = freshIv();
  const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(Buffer.concat([HEADER, Buffer.from(associatedData, 'utf8')]));
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return Buffer.concat([HEADER, iv, cipher.getAuthTag(), ciphertext]);
}

/** Decrypts a sealed file's bytes; StoreCorruptedError naming `file` when anything fails to authenticate. */
export function unseal(key: Buffer, associatedData: string, sealed: Buffer, file: string): Buffer {
  const bodyStart = HEADER.length + IV_BYTES + TAG_BYTES;
  if (sealed.length < bodyStart || !sealed.subarray(0, HEADER.length).equals(HEADER)) throw new StoreCorruptedError(file);
  const iv = sealed.subarray(HEADER.length, HEADER.length + IV_BYTES);
  const tag = sealed.subarray(HEADER.length + IV_BYTES, bodyStart);
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
    decipher.setAAD(Buffer.concat([HEADER, Buffer.from(associatedData, 'utf8')]));
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(sealed.subarray(bodyStart)), decipher.final()]);
  } catch (error) {
    throw new StoreCorruptedError(file, { cause: error });
  }
}
