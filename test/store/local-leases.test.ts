import { killBurstWorker } from './workers/burst.ts';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { LEASE_KIND } from '../../lib/store/lease.ts';
import { DATABASE_FILE, KEY_FILE, createLocalStores } from '../../lib/store/local/index.ts';
import { systemClock } from '../../lib/clock.ts';
import { ManualClock } from '../support/manual-clock.ts';

const TTL_MS = 60_000;
const roots: string[] = [];
afterAll(() => Promise.all(roots.map((root) => rm(root, { recursive: true, force: true }))));

/** A new data directory (not created yet). */
async function newDataDir(): Promise<string> {
  const root = await mkdtemp(path.join(tmpdir(), 'trustline-leases-'));
  roots.push(root);
  return path.join(root, 'data');
}

describe('local leases on disk', () => {
  let clock: ManualClock;
  beforeEach(() => {
    clock = new ManualClock();
  });

  it('keeps leases in store.mdb, as items of their kind, and no other file', async () => {
    const dataDir = await newDataDir();
    const { leases, metadata } = createLocalStores({ dataDir, clock });
    expect(await leases.acquire('job', 'a', TTL_MS)).toMatchObject({ name: 'job', owner: 'a' });
    expect(await metadata.get(LEASE_KIND, 'job')).toMatchObject({ data: { owner: 'a' } });
    expect((await readdir(dataDir)).sort()).toEqual([DATABASE_FILE, `${DATABASE_FILE}-lock`, KEY_FILE].sort());
  });

  it('deletes at open the lease files an earlier version kept beside store.mdb', async () => {
    const dataDir = await newDataDir();
    await mkdir(dataDir, { mode: 0o700 });
    const old = 'leases-00000000-0000-4000-8000-000000000000.mdb';
    for (const name of [old, `${old}-lock`]) await writeFile(path.join(dataDir, name), '', { mode: 0o600 });
    await createLocalStores({ dataDir, clock }).open();
    expect((await readdir(dataDir)).filter((name) => name.startsWith('leases-'))).toEqual([]);
  });
});

describe('local leases across processes', () => {
  it('keeps every lease a process was told it holds when that process is killed mid-burst', async () => {
    const dataDir = await newDataDir();
    const acknowledged = await killBurstWorker([dataDir, 'leases'], 100);
    expect(acknowledged.length).toBeGreaterThanOrEqual(100);
    // This process sees the killed one's leases: every one it acknowledged is still held.
    const { leases } = createLocalStores({ dataDir, clock: systemClock });
    const refused = await Promise.all(acknowledged.map(async (name) => (await leases.acquire(name, 'other', TTL_MS)) === undefined));
    expect(refused.every(Boolean)).toBe(true);
  }, 60_000);
});
