import { randomBytes } from 'node:crypto';
import { link, mkdir, open, readFile, unlink } from 'node:fs/promises';
import path from 'node:path';
import { StoreCorruptedError } from '../errors.ts';
import { enforcePrivate } from './data-directory.ts';

/** Name of the local master key inside the data directory. */
export const KEY_FILE = 'secret.key';
const KEY_BYTES = 32;

/**
 * The data directory's AES-256 key, created on first use with mode 0600 (an existing one is
 * checked as the directory is). A new key is written complete to a temp file and then
 * hard-linked into place, which fails if the name exists: when two processes start at once,
 * exactly one link wins and both read the winner's key.
 */
export async function loadOrCreateKey(dataDir: string): Promise<Buffer> {
  const file = path.join(dataDir, KEY_FILE);
  const existing = await readFile(file).catch((error: unknown) => {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  });
  if (existing !== undefined) {
    await enforcePrivate(file, 0o600);
    return checked(existing, file);
  }
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
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
    // The new key's directory entry made durable: losing it in a power cut would lose every secret.
    const directory = await open(dataDir, 'r');
    await directory.sync().finally(() => directory.close());
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  } finally {
    await unlink(temp);
  }
  return checked(await readFile(file), file);
}

function checked(key: Buffer, file: string): Buffer {
  if (key.length !== KEY_BYTES) throw new StoreCorruptedError(file);
  return key;
}
