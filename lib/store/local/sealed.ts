import { createCipheriv, createDecipheriv, randomFillSync } from 'node:crypto';
import type { Database, Key } from 'lmdb';
import type * as z from 'zod';
import { StoreCorruptedError } from '../errors.ts';
import type { LocalDatabase } from './database.ts';

/**
 * A sealed value as stored in the embedded database: a version byte, a fresh 96-bit IV, the GCM
 * tag, then the AES-256-GCM ciphertext. The version byte and the entry's key (passed as
 * associated data) are authenticated, so a flipped bit or a value copied under another key both
 * fail the tag check.
 */
const FORMAT = Buffer.from([1]);
const IV_BYTES = 12;
const TAG_BYTES = 16;
const BODY_START = FORMAT.length + IV_BYTES + TAG_BYTES;

/** Encrypts `plaintext` under `key`, bound to `associatedData` (the entry's key). */
export function seal(key: Buffer, associatedData: string, plaintext: string): Buffer {
  const iv = freshIv();
  const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(aad(associatedData));
  const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return Buffer.concat([FORMAT, iv, cipher.getAuthTag(), ciphertext]);
}

/** Decrypts a sealed value; StoreCorruptedError naming `file` when anything fails to authenticate. */
export function unseal(key: Buffer, associatedData: string, sealed: Uint8Array, file: string): string {
  const bytes = Buffer.from(sealed.buffer, sealed.byteOffset, sealed.byteLength);
  if (bytes.length < BODY_START || bytes[0] !== FORMAT[0]) throw new StoreCorruptedError(file);
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, bytes.subarray(FORMAT.length, FORMAT.length + IV_BYTES), { authTagLength: TAG_BYTES });
    decipher.setAAD(aad(associatedData));
    decipher.setAuthTag(bytes.subarray(FORMAT.length + IV_BYTES, BODY_START));
    return Buffer.concat([decipher.update(bytes.subarray(BODY_START)), decipher.final()]).toString('utf8');
  } catch (error) {
    throw new StoreCorruptedError(file, { cause: error });
  }
}

/** The entry at `key` unsealed (bound to `bound`), checked against `schema`, with its LMDB version; StoreCorruptedError when either fails. */
export function readSealed<K extends Key, T>(db: LocalDatabase, table: Database<Buffer, K>, key: K, bound: string, schema: z.ZodType<T>) {
  const found = table.getEntry(key);
  if (found === undefined) return undefined;
  const parsed = schema.safeParse(JSON.parse(unseal(db.key, bound, found.value, db.file)));
  if (!parsed.success) throw new StoreCorruptedError(db.file, { cause: parsed.error });
  return { data: parsed.data, version: found.version ?? 0 };
}

const aad = (associatedData: string) => Buffer.concat([FORMAT, Buffer.from(associatedData, 'utf8')]);

/** IVs come from a buffer the CSPRNG refills: a call into it per IV cost more than the sealing itself. */
const ivPool = Buffer.alloc(IV_BYTES * 256);
let ivPoolUsed = ivPool.length;
function freshIv(): Buffer {
  if (ivPoolUsed === ivPool.length) {
    randomFillSync(ivPool);
    ivPoolUsed = 0;
  }
  ivPoolUsed += IV_BYTES;
  return Buffer.from(ivPool.subarray(ivPoolUsed - IV_BYTES, ivPoolUsed));
}
