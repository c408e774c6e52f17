import { killBurstWorker } from './workers/burst.ts';
import { copyFile, mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { LEASE_KIND } from '../../lib/store/lease.ts';
import { DATABASE_FILE, KEY_FILE, createLocalStores, leaseDatabaseFile, readBootId } from '../../lib/store/local/index.ts';
import { systemClock } from '../../lib/clock.ts';
import { ManualClock } from '../support/manual-clock.ts';

const TTL_MS = 60_000;
const roots: string[] = [];
afterAll(() => Promise.all(roots.map((root) => rm(root, { recursive: true, force: true }))));

/** A new data directory (mode 0700, not created yet unless `create`). */
async function newDataDir(create = false): Promise<string> {
  const root = await mkdtemp(path.join(tmpdir(), 'trustline-leases-'));
  roots.push(root);
  const dataDir = path.join(root, 'data');
  if (create) await mkdir(dataDir, { mode: 0o700 });
  return dataDir;
}

let bootId: string;
beforeAll(async () => {
  // Linux (the Lambda runtime and CI) publishes a boot id; these tests are about that case.
  const id = await readBootId();
  if (id === undefined) throw new Error('no boot id at /proc/sys/kernel/random/boot_id: these tests need Linux');
  bootId = id;
});

describe('local leases on disk', () => {
  let clock: ManualClock;
  beforeEach(() => {
    clock = new ManualClock();
  });

  it('keeps leases in the file named for this boot, not in store.mdb', async () => {
    const dataDir = await newDataDir();
    const { leases, metadata } = createLocalStores({ dataDir, clock });
    expect(await leases.acquire('job', 'a', TTL_MS)).toMatchObject({ name: 'job', owner: 'a' });
    // The metadata store reads store.mdb, where the lease items used to be.
    expect(await metadata.get(LEASE_KIND, 'job')).toBeUndefined();
    expect(await readdir(dataDir)).toEqual(expect.arrayContaining([leaseDatabaseFile(bootId), DATABASE_FILE]));
  });

  it('deletes at open a lease file of another boot, and the leases in it are gone', async () => {
    const source = await newDataDir();
    expect(await createLocalStores({ dataDir: source, clock }).leases.acquire('job', 'before-reboot', TTL_MS)).toBeDefined();
    // The same lease file under this boot's name and under another boot's, each beside the key that sealed it.
    const [current, stale] = [await newDataDir(true), await newDataDir(true)];
    const otherBoot = leaseDatabaseFile('00000000-0000-4000-8000-000000000000');
    for (const [dataDir, name] of [
      [current, leaseDatabaseFile(bootId)],
      [stale, otherBoot],
    ] as const) {
      await copyFile(path.join(source, KEY_FILE), path.join(dataDir, KEY_FILE));
      await copyFile(path.join(source, leaseDatabaseFile(bootId)), path.join(dataDir, name));
    }
    await writeFile(path.join(stale, `${otherBoot}-lock`), '', { mode: 0o600 });

    // Under this boot's name the copy still holds the lease: the stale copy below held it too.
    expect(await createLocalStores({ dataDir: current, clock }).leases.acquire('job', 'after-reboot', TTL_MS)).toBeUndefined();
    expect(await createLocalStores({ dataDir: stale, clock }).leases.acquire('job', 'after-reboot', TTL_MS)).toMatchObject({ owner: 'after-reboot' });
    const names = await readdir(stale);
    expect(names.filter((name) => name.startsWith(otherBoot))).toEqual([]);
    expect(names).toContain(leaseDatabaseFile(bootId));
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
