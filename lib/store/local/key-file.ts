import { randomBytes } from 'node:crypto';
import { link, open, readFile, unlink } from 'node:fs/promises';
import path from 'node:path';
import { StoreCorruptedError } from '../errors.ts';
import { ensureDirectory, isErrno, readFileIfExists } from './files.ts';
import { syncDirectory } from './directory-sync.ts';

/** Name of the local master key inside the data directory. */
export const KEY_FILE = 'secret.key';
const KEY_BYTES = 32;

/**
 * The data directory's AES-256 key, created on first use with mode 0600. The new key is written
 * complete to a temp file and then hard-linked into place, which fails if the name exists: when
 * two processes start at once, exactly one link wins and both read the winner's key.
 */
export async function loadOrCreateKey(dataDir: string): Promise<Buffer> {
  const file = path.join(dataDir, KEY_FILE);
  const existing = readFileIfExists(file);
  if (existing !== undefined) return checked(existing, file);

  await ensureDirectory(dataDir);
  const temp = `${file}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  const handle = await open(temp, 'wx', 0o600);
  try {
    await handle.writeFile(randomBytes(KEY_BYTES));
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await link(temp, file);
    await syncDirectory(dataDir);
  } catch (error) {
    if (!isErrno(error, 'EEXIST')) throw error;
  } finally {
    await unlink(temp);
  }
  return checked(await readFile(file), file);
}

function checked(key: Buffer, file: string): Buffer {
  if (key.length !== KEY_BYTES) throw new StoreCorruptedError(file);
  return key;
}
