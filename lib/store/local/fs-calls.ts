import { fsync, open, rename, unlink } from 'node:fs';
import { promisify } from 'node:util';

/**
 * The file-system calls of the local stores that may wait for the disk, as promises over Node's
 * callback API: they run on the thread pool like node:fs/promises, at about half its event-loop
 * cost per call (no FileHandle objects).
 *
 * Which calls go to the thread pool was measured (test/bench/token-refresh, strace, perf):
 * creating, renaming and removing a file can cost a millisecond of kernel time on ext4 while
 * other files are being written, and fsync waits for the device, so those run here. Opening an
 * existing file and reading, writing or closing a few hundred bytes take microseconds and stay
 * synchronous: through the thread pool each would cost the event loop several times more.
 */
export const openAsync = promisify(open);
export const fsyncAsync = promisify(fsync);
export const renameAsync = promisify(rename);
export const unlinkAsync = promisify(unlink);
