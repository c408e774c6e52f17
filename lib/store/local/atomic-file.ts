import { randomBytes } from 'node:crypto';
import { mkdir, open, readFile, rename, unlink } from 'node:fs/promises';
import path from 'node:path';

/**
 * Crash-safe file primitives: a reader sees the old bytes or the new, never a mix, and a
 * completed write survives a power cut (file and directory entry are both fsynced).
 */

/** Replaces `file` atomically: temp file in the same directory, fsync, rename, fsync the directory. */
export async function writeFileAtomic(file: string, data: Buffer): Promise<void> {
  const temp = `${file}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  const handle = await open(temp, 'wx', 0o600);
  try {
    await handle.writeFile(data);
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await rename(temp, file);
  } catch (error) {
    await unlink(temp).catch(() => undefined);
    throw error;
  }
  await fsyncDirectory(path.dirname(file));
}

/** The file's bytes, or undefined when it does not exist. */
export async function readFileIfExists(file: string): Promise<Buffer | undefined> {
  try {
    return await readFile(file);
  } catch (error) {
    if (isErrno(error, 'ENOENT')) return undefined;
    throw error;
  }
}

/** Removes `file` durably; a missing file is not an error. */
export async function removeFile(file: string): Promise<void> {
  try {
    await unlink(file);
  } catch (error) {
    if (isErrno(error, 'ENOENT')) return;
    throw error;
  }
  await fsyncDirectory(path.dirname(file));
}

/** Creates `dir` (mode 0700) and makes a new directory entry durable. */
export async function ensureDirectory(dir: string): Promise<void> {
  const created = await mkdir(dir, { recursive: true, mode: 0o700 });
  if (created === undefined) return;
  // Every new level's entry lives in its parent: flush from `dir` up to the first level created.
  for (let current = dir; ; current = path.dirname(current)) {
    await fsyncDirectory(path.dirname(current));
    if (current === created || path.dirname(current) === current) return;
  }
}

/** Flushes a directory's entries (renames, unlinks) to disk; Windows cannot open directories, so it skips. */
export async function fsyncDirectory(dir: string): Promise<void> {
  if (process.platform === 'win32') return;
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Whether `error` is a Node system error with this `code`. */
export function isErrno(error: unknown, code: string): boolean {
  return error instanceof Error && (error as NodeJS.ErrnoException).code === code;
}
