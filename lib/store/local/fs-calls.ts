import { fdatasync, fsync, link, open, unlink } from 'node:fs';
import { promisify } from 'node:util';

/**
 * The file-system calls of the local stores that may wait for the disk, as promises over Node's
 * callback API: they run on the thread pool like node:fs/promises, at about half its event-loop
 * cost per call (no FileHandle objects).
 *
 * Which calls go to the thread pool was measured (test/bench/token-refresh, strace, perf):
 * fsync and fdatasync wait for the device, and creating, linking and removing a file
 * can wait a millisecond for an ext4 journal commit, so those run here. Appending or reading a
 * few hundred bytes and stat-ing an open file take microseconds and stay synchronous: through
 * the thread pool each would cost the event loop several times more.
 */
export const openAsync = promisify(open);
export const fsyncAsync = promisify(fsync);
export const fdatasyncAsync = promisify(fdatasync);
export const linkAsync = promisify(link);
export const unlinkAsync = promisify(unlink);
