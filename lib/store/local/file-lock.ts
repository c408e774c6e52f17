import { randomUUID } from 'node:crypto';
import { readFile, stat, unlink, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { StoreLockedError } from '../errors.ts';
import { isErrno } from './atomic-file.ts';

/**
 * A cross-process lock on one store file: `<file>.lock`, created with O_EXCL and holding the
 * owner's pid, host and a random token. Critical sections are a read and an atomic write, so a
 * lock whose process is gone, or that is older than `staleMs`, is taken over.
 */
export interface LockOptions {
  /** How long to wait for another holder before StoreLockedError. */
  readonly timeoutMs: number;
  /** Age after which a lock is taken over even if its process seems alive (pid reuse, another host). */
  readonly staleMs: number;
}

export const DEFAULT_LOCK_OPTIONS: LockOptions = { timeoutMs: 10_000, staleMs: 30_000 };

/** A crashed stale-lock breaker leaves its guard behind; guards older than this are removed. */
const GUARD_STALE_MS = 5_000;
const MAX_POLL_MS = 50;

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

/** Runs `fn` while holding the lock of `file`, waiting at most `options.timeoutMs` for it. */
export async function withFileLock<T>(file: string, fn: () => Promise<T>, options: LockOptions = DEFAULT_LOCK_OPTIONS): Promise<T> {
  const lockPath = `${file}.lock`;
  const token = randomUUID();
  await acquire(file, lockPath, token, options);
  try {
    return await fn();
  } finally {
    await release(lockPath, token);
  }
}

async function acquire(file: string, lockPath: string, token: string, options: LockOptions): Promise<void> {
  const content = JSON.stringify({ pid: process.pid, host: hostname(), token, at: new Date().toISOString() });
  const deadline = Date.now() + options.timeoutMs;
  let pollMs = 1;
  let holder: LockOwner | undefined;
  while (Date.now() < deadline) {
    try {
      await writeFile(lockPath, content, { flag: 'wx', mode: 0o600 });
      return;
    } catch (error) {
      if (!isErrno(error, 'EEXIST')) throw error;
    }
    const observed = await observe(lockPath);
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

async function release(lockPath: string, token: string): Promise<void> {
  const observed = await observe(lockPath);
  // Someone may have taken the lock over as stale; their lock is not ours to remove.
  if (observed?.owner?.token === token) await unlink(lockPath).catch(ignoreMissing);
}

async function observe(lockPath: string): Promise<ObservedLock | undefined> {
  try {
    const [info, raw] = await Promise.all([stat(lockPath), readFile(lockPath, 'utf8')]);
    return { raw, owner: parseOwner(raw), ino: info.ino, mtimeMs: info.mtimeMs };
  } catch (error) {
    if (isErrno(error, 'ENOENT')) return undefined;
    throw error;
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
  return lock.owner !== undefined && lock.owner.host === hostname() && !processAlive(lock.owner.pid);
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
  try {
    await writeFile(guard, String(process.pid), { flag: 'wx', mode: 0o600 });
  } catch (error) {
    if (!isErrno(error, 'EEXIST')) throw error;
    const info = await stat(guard).catch(() => undefined);
    if (info !== undefined && Date.now() - info.mtimeMs > GUARD_STALE_MS) await unlink(guard).catch(ignoreMissing);
    await sleep(1);
    return;
  }
  try {
    const current = await observe(lockPath);
    if (current?.ino === stale.ino && current.mtimeMs === stale.mtimeMs && current.raw === stale.raw) {
      await unlink(lockPath).catch(ignoreMissing);
    }
  } finally {
    await unlink(guard).catch(ignoreMissing);
  }
}

function ignoreMissing(error: unknown): void {
  if (!isErrno(error, 'ENOENT')) throw error;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
