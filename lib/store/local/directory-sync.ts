import { closeSync, openSync } from 'node:fs';
import { fsyncAsync } from './fs-calls.ts';

interface DirectoryState {
  /** The flush in progress. */
  running?: Promise<void>;
  /** The flush that starts when `running` ends; every caller that came during `running` shares it. */
  queued?: Promise<void>;
}

const states = new Map<string, DirectoryState>();

/**
 * Makes the entries of `dir` (renames, unlinks) durable: resolves once an fsync of `dir` that
 * began after this call has completed. Concurrent writers into one directory share flushes
 * (group commit): a flush already running may have started before the caller's rename, so the
 * caller joins the next one, which every later caller shares too. Windows cannot open
 * directories, so there it resolves at once.
 */
export function syncDirectory(dir: string): Promise<void> {
  if (process.platform === 'win32') return Promise.resolve();
  let state = states.get(dir);
  if (state === undefined) {
    state = {};
    states.set(dir, state);
  }
  const { running } = state;
  if (running === undefined) return start(dir, state);
  const current = state;
  current.queued ??= running
    .catch(() => undefined)
    .then(() => {
      current.queued = undefined;
      return start(dir, current);
    });
  return current.queued;
}

function start(dir: string, state: DirectoryState): Promise<void> {
  const run = flush(dir).finally(() => {
    if (state.running !== run) return;
    state.running = undefined;
    if (state.queued === undefined && states.get(dir) === state) states.delete(dir);
  });
  state.running = run;
  return run;
}

async function flush(dir: string): Promise<void> {
  const fd = openSync(dir, 'r');
  try {
    await fsyncAsync(fd);
  } finally {
    closeSync(fd);
  }
}
