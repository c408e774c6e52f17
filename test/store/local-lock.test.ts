import { mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { syncDirectory } from '../../lib/store/local/directory-sync.ts';
import { withFileLock } from '../../lib/store/local/file-lock.ts';
import { createLocalStores } from '../../lib/store/local/index.ts';
import { ManualClock } from '../support/manual-clock.ts';

const roots: string[] = [];
afterAll(() => Promise.all(roots.map((root) => rm(root, { recursive: true, force: true }))));

let root: string;
beforeEach(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'trustline-lock-'));
  roots.push(root);
});

/** Every file under `dir`, relative to it. */
async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((entry) => entry.isFile()).map((entry) => path.relative(dir, path.join(entry.parentPath, entry.name)));
}

describe('file lock within one process', () => {
  it('queues a second caller behind a holder that outlasts the cross-process timeout, instead of failing it', async () => {
    const file = path.join(root, 'item');
    const options = { timeoutMs: 50, staleMs: 30_000 };
    const order: string[] = [];
    const holder = withFileLock(
      file,
      async () => {
        order.push('holder start');
        await new Promise((resolve) => setTimeout(resolve, 200));
        order.push('holder end');
      },
      options,
    );
    const waiter = withFileLock(
      file,
      () => {
        order.push('waiter');
        return Promise.resolve();
      },
      options,
    );
    await Promise.all([holder, waiter]);
    expect(order).toEqual(['holder start', 'holder end', 'waiter']);
  });

  it('creates the directory of the file it locks when it is missing', async () => {
    const file = path.join(root, 'new', 'nested', 'item');
    await expect(withFileLock(file, () => Promise.resolve('ran'))).resolves.toBe('ran');
    expect(await readdir(path.join(root, 'new', 'nested'))).toEqual([]);
  });

  it('leaves no lock or temp file behind after writes', async () => {
    const { secrets, metadata } = createLocalStores({ dataDir: path.join(root, 'data'), clock: new ManualClock() });
    await Promise.all(Array.from({ length: 8 }, (_, i) => metadata.put({ kind: 'k', id: 'same', data: i })));
    await secrets.put('trustline/a', 'one');
    await secrets.put('trustline/a', 'two');
    const files = await filesUnder(path.join(root, 'data'));
    expect(files.filter((name) => name.endsWith('.lock') || name.endsWith('.tmp'))).toEqual([]);
    expect(await metadata.get('k', 'same')).toMatchObject({ version: 8 });
  });

  it('starts over on a new log when its logs are removed while the store is in use', async () => {
    const dataDir = path.join(root, 'data');
    const { secrets, metadata } = createLocalStores({ dataDir, clock: new ManualClock() });
    await metadata.put({ kind: 'k', id: 'i', data: 1 });
    await secrets.put('trustline/a', 'one');
    await rm(path.join(dataDir, 'metadata.000001.log'));
    await rm(path.join(dataDir, 'secrets.000001.log'));
    expect(await metadata.get('k', 'i')).toBeUndefined();
    await expect(metadata.put({ kind: 'k', id: 'i', data: 2 }, { expectedVersion: 'absent' })).resolves.toMatchObject({ version: 1 });
    await secrets.put('trustline/a', 'two');
    expect(await secrets.get('trustline/a')).toMatchObject({ value: 'two' });
  });
});

describe('directory flush', () => {
  it('resolves every one of many concurrent callers', async () => {
    await expect(Promise.all(Array.from({ length: 20 }, () => syncDirectory(root)))).resolves.toHaveLength(20);
  });

  it('reports a directory that cannot be opened, and flushes it once it exists', async () => {
    const missing = path.join(root, 'later');
    await expect(syncDirectory(missing)).rejects.toMatchObject({ code: 'ENOENT' });
    await mkdir(missing);
    await expect(syncDirectory(missing)).resolves.toBeUndefined();
  });

  it('gives a failed flush to the callers that joined it, and starts a fresh one for later callers', async () => {
    const dir = path.join(root, 'flaky');
    const joined = [syncDirectory(dir), syncDirectory(dir), syncDirectory(dir)];
    const outcomes = await Promise.allSettled(joined);
    expect(outcomes.every((outcome) => outcome.status === 'rejected')).toBe(true);
    await mkdir(dir);
    await expect(syncDirectory(dir)).resolves.toBeUndefined();
  });
});
