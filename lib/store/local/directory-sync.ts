import { closeSync, openSync } from 'node:fs';
import { fsyncAsync } from './fs-calls.ts';
import { GroupCommit } from './group-commit.ts';

const commits = new Map<string, GroupCommit>();

/**
 * Makes the entries of `dir` (renames, links, unlinks) durable: resolves once an fsync of `dir`
 * that began after this call has completed; concurrent callers share fsyncs (group-commit.ts).
 * Windows cannot open directories, so there it resolves at once.
 */
export function syncDirectory(dir: string): Promise<void> {
  if (process.platform === 'win32') return Promise.resolve();
  let commit = commits.get(dir);
  if (commit === undefined) {
    commit = new GroupCommit(() => flush(dir));
    commits.set(dir, commit);
  }
  const done = commit.sync();
  const current = commit;
  // Nothing is kept per directory once its flushes are over.
  void done
    .catch(() => undefined)
    .then(() => {
      if (!current.busy && commits.get(dir) === current) commits.delete(dir);
    });
  return done;
}

async function flush(dir: string): Promise<void> {
  const fd = openSync(dir, 'r');
  try {
    await fsyncAsync(fd);
  } finally {
    closeSync(fd);
  }
}
