import { readFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { syncDirectory } from './directory-sync.ts';

/** The file's bytes, or undefined when it does not exist. */
export function readFileIfExists(file: string): Buffer | undefined {
  try {
    return readFileSync(file);
  } catch (error) {
    if (isErrno(error, 'ENOENT')) return undefined;
    throw error;
  }
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
