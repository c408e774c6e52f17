import { close, fstat, fsync, open, read, rename, unlink, write } from 'node:fs';
import { promisify } from 'node:util';

/**
 * File-system calls as promises over Node's callback API: they run on the thread pool like
 * node:fs/promises, at about half its event-loop cost per call (no FileHandle objects). None of
 * the store's calls is synchronous: on ext4, creating or renaming a file waits for the journal
 * while other files are being fsynced, holding its directory's lock, so even opening a file of
 * that directory for reading can take a millisecond (measured with the token-refresh benchmark).
 */
export const openAsync = promisify(open);
export const closeAsync = promisify(close);
export const fsyncAsync = promisify(fsync);
export const fstatAsync = promisify(fstat);
export const renameAsync = promisify(rename);
export const unlinkAsync = promisify(unlink);
const writeAsync = promisify(write);
const readAsync = promisify(read);

/** Bytes asked for by the first read; store files are a few hundred bytes. */
const FIRST_READ_BYTES = 16 * 1024;

/** Writes all of `data` at the start of the open file `fd`. */
export async function writeAll(fd: number, data: Buffer): Promise<void> {
  for (let offset = 0; offset < data.length; ) {
    const { bytesWritten } = await writeAsync(fd, data, offset, data.length - offset, offset);
    offset += bytesWritten;
  }
}

/**
 * The whole content of the open file `fd`. Store files never change once in place (they are
 * renamed into it complete), so a read returning fewer bytes than asked for has reached the end:
 * a small file costs one read.
 */
export async function readAll(fd: number): Promise<Buffer> {
  let buffer = Buffer.allocUnsafe(FIRST_READ_BYTES);
  let length = 0;
  for (;;) {
    const { bytesRead } = await readAsync(fd, buffer, length, buffer.length - length, length);
    length += bytesRead;
    // A copy of exactly the bytes read, so a remembered file does not keep the whole buffer alive.
    if (length < buffer.length) return Buffer.from(buffer.subarray(0, length));
    const larger = Buffer.allocUnsafe(buffer.length * 2);
    buffer.copy(larger);
    buffer = larger;
  }
}
