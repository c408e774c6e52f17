import { randomBytes } from 'node:crypto';
import { closeSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { syncDirectory } from './directory-sync.ts';
import { fsyncAsync, openAsync, renameAsync, unlinkAsync } from './fs-calls.ts';

/**
 * Crash-safe file primitives: a reader sees the old bytes or the new, never a mix, and a
 * completed write survives a power cut (file and directory entry are both fsynced).
 *
 * Store files are a few hundred bytes on a local disk: reading one, and writing or closing an
 * open one, is synchronous (microseconds, and cheaper for the event loop than a thread-pool round
 * trip); creating, renaming, removing and fsyncing go to the thread pool (see fs-calls.ts).
 */

/** Temp names are unique per process (pid plus a random tag, in case a dead process had the pid) and per write. */
const tempTag = `${process.pid}.${randomBytes(6).toString('hex')}`;
let tempCount = 0;

/** Replaces `file` atomically: temp file in the same directory, fsync, rename, fsync the directory. */
export async function writeFileAtomic(file: string, data: Buffer): Promise<void> {
  const temp = `${file}.${tempTag}.${(tempCount++).toString(36)}.tmp`;
  const fd = await openAsync(temp, 'wx', 0o600);
  try {
    try {
      writeFileSync(fd, data);
      await fsyncAsync(fd);
    } finally {
      closeSync(fd);
    }
    await renameAsync(temp, file);
  } catch (error) {
    await unlinkAsync(temp).catch(() => undefined);
    throw error;
  }
  await syncDirectory(path.dirname(file));
}

/** The file's bytes, or undefined when it does not exist. */
export function readFileIfExists(file: string): Buffer | undefined {
  try {
    return readFileSync(file);
  } catch (error) {
    if (isErrno(error, 'ENOENT')) return undefined;
    throw error;
  }
}

/** Removes `file` durably; a missing file is not an error. */
export async function removeFile(file: string): Promise<void> {
  try {
    await unlinkAsync(file);
  } catch (error) {
    if (isErrno(error, 'ENOENT')) return;
    throw error;
  }
  await syncDirectory(path.dirname(file));
}

/** Creates `dir` (mode 0700) and makes a new directory entry durable. */
export async function ensureDirectory(dir: string): Promise<void> {
  const created = await mkdir(dir, { recursive: true, mode: 0o700 });
  if (created === undefined) return;
  // Every new level's entry lives in its parent: flush from `dir` up to the first level created.
  for (let current = dir; ; current = path.dirname(current)) {
    await syncDirectory(path.dirname(current));
    if (current === created || path.dirname(current) === current) return;
  }
}

/** Whether `error` is a Node system error with this `code`. */
export function isErrno(error: unknown, code: string): boolean {
  return error instanceof Error && (error as NodeJS.ErrnoException).code === code;
}
