import { randomUUID } from 'node:crypto';
import { closeSync, fstatSync, openSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { StoreLockedError } from '../errors.ts';
import { ensureDirectory, isErrno } from './files.ts';
import { openAsync, unlinkAsync } from './fs-calls.ts';
import { KeyedMutex } from './keyed-mutex.ts';

/**
 * A cross-process lock on one store file: `<file>.lock`, created with O_EXCL and holding the
 * owner's pid, host and a random token. Critical sections are a read and an atomic write, so a
 * lock whose process is gone, or that is older than `staleMs`, is taken over.
 *
 * Within one process, callers first queue on an in-process mutex per lock file, so only one of
 * them at a time touches the lock file and none of them polls; polling is left for waiting on
 * another process.
 */
export interface LockOptions {
  /** How long to wait for another process's holder before StoreLockedError. */
  readonly timeoutMs: number;
  /** Age after which a lock is taken over even if its process seems alive (pid reuse, another host). */
  readonly staleMs: number;
}

export const DEFAULT_LOCK_OPTIONS: LockOptions = { timeoutMs: 10_000, staleMs: 30_000 };

/** A crashed stale-lock breaker leaves its guard behind; guards older than this are removed. */
const GUARD_STALE_MS = 5_000;
const MAX_POLL_MS = 20;

/** Shared by every store of this process: two stores on one data directory must queue together. */
const inProcess = new KeyedMutex();
/** Read once: os.hostname() is a system call, and every lock names its host. */
const HOST = hostname();

interface LockOwner {
  readonly pid: number;
  readonly host: string;
  readonly token: string;
}

interface ObservedLock {
  readonly raw: string;
  readonly owner: LockOwner | undefined;
  readonly ino: number;
  readonly mtimeMs: number;
}

/**
 * Runs `fn` while holding the lock of `file`. Callers in this process queue without a time
 * limit (each holder's own wait is bounded); waiting for another process's holder is bounded by
 * `options.timeoutMs`.
 */
export async function withFileLock<T>(file: string, fn: () => Promise<T>, options: LockOptions = DEFAULT_LOCK_OPTIONS): Promise<T> {
  const lockPath = `${file}.lock`;
  return inProcess.run(lockPath, async () => {
    const token = randomUUID();
    await acquire(file, lockPath, token, options);
    try {
      return await fn();
    } finally {
      await release(lockPath, token);
    }
  });
}

async function acquire(file: string, lockPath: string, token: string, options: LockOptions): Promise<void> {
  const content = JSON.stringify({ pid: process.pid, host: HOST, token, at: new Date().toISOString() });
  const deadline = Date.now() + options.timeoutMs;
  let pollMs = 1;
  let holder: LockOwner | undefined;
  let directoryEnsured = false;
  while (Date.now() < deadline) {
    try {
      if (await tryCreate(lockPath, content)) return;
    } catch (error) {
      // The lock is the first file a write creates: a missing directory is made here, once.
      if (!isErrno(error, 'ENOENT') || directoryEnsured) throw error;
      await ensureDirectory(path.dirname(lockPath));
      directoryEnsured = true;
      continue;
    }
    const observed = observe(lockPath);
    if (observed === undefined) continue;
    holder = observed.owner;
    if (isStale(observed, options.staleMs)) {
      await breakStaleLock(lockPath, observed);
      continue;
    }
    await sleep(pollMs + Math.random() * pollMs);
    pollMs = Math.min(pollMs * 2, MAX_POLL_MS);
  }
  throw new StoreLockedError(file, holder?.pid);
}

/** Creates the lock file holding `content`; false when it already exists. */
async function tryCreate(lockPath: string, content: string): Promise<boolean> {
  let fd: number;
  try {
    fd = await openAsync(lockPath, 'wx', 0o600);
  } catch (error) {
    if (isErrno(error, 'EEXIST')) return false;
    throw error;
  }
  try {
    writeFileSync(fd, content);
  } catch (error) {
    closeSync(fd);
    await unlinkAsync(lockPath);
    throw error;
  }
  closeSync(fd);
  return true;
}

async function release(lockPath: string, token: string): Promise<void> {
  const observed = observe(lockPath);
  // Someone may have taken the lock over as stale; their lock is not ours to remove.
  if (observed?.owner?.token === token) await removeIfPresent(lockPath);
}

/** The lock file as it is now; stat and content come from one open file, so they belong together. */
function observe(lockPath: string): ObservedLock | undefined {
  let fd: number;
  try {
    fd = openSync(lockPath, 'r');
  } catch (error) {
    if (isErrno(error, 'ENOENT')) return undefined;
    throw error;
  }
  try {
    const info = fstatSync(fd);
    const raw = readFileSync(fd, 'utf8');
    return { raw, owner: parseOwner(raw), ino: info.ino, mtimeMs: info.mtimeMs };
  } finally {
    closeSync(fd);
  }
}

function parseOwner(raw: string): LockOwner | undefined {
  try {
    const value = JSON.parse(raw) as Partial<LockOwner>;
    if (typeof value.pid === 'number' && typeof value.host === 'string' && typeof value.token === 'string') {
      return { pid: value.pid, host: value.host, token: value.token };
    }
  } catch {
    // A lock file caught between its creation and its first write: only its age can make it stale.
  }
  return undefined;
}

function isStale(lock: ObservedLock, staleMs: number): boolean {
  if (Date.now() - lock.mtimeMs > staleMs) return true;
  return lock.owner !== undefined && lock.owner.host === HOST && !processAlive(lock.owner.pid);
}

function processAlive(pid: number): boolean {
  // kill(0 or negative) would address process groups: such a pid is not ours to judge.
  if (!Number.isInteger(pid) || pid <= 0) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return isErrno(error, 'EPERM');
  }
}

/**
 * Removes a stale lock, but only the exact file judged stale: a guard file serialises breakers,
 * so two of them cannot both remove "the stale lock" when the second would remove a fresh one.
 */
async function breakStaleLock(lockPath: string, stale: ObservedLock): Promise<void> {
  const guard = `${lockPath}.break`;
  if (!(await tryCreate(guard, String(process.pid)))) {
    const info = statSync(guard, { throwIfNoEntry: false });
    if (info !== undefined && Date.now() - info.mtimeMs > GUARD_STALE_MS) await removeIfPresent(guard);
    await sleep(1);
    return;
  }
  try {
    const current = observe(lockPath);
    if (current?.ino === stale.ino && current.mtimeMs === stale.mtimeMs && current.raw === stale.raw) await removeIfPresent(lockPath);
  } finally {
    await removeIfPresent(guard);
  }
}

async function removeIfPresent(file: string): Promise<void> {
  try {
    await unlinkAsync(file);
  } catch (error) {
    if (!isErrno(error, 'ENOENT')) throw error;
  }
}
