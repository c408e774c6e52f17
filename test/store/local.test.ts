import { mkdir, mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { createLocalStores, KEY_FILE } from '../../lib/store/local/index.ts';
import { loadOrCreateKey } from '../../lib/store/local/key-file.ts';
import { ManualClock } from '../support/manual-clock.ts';
import { leaseStoreContract, metadataStoreContract, secretStoreContract } from './contract.ts';

const directories: string[] = [];
async function newDataDir(): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'trustline-store-'));
  directories.push(dir);
  return path.join(dir, 'data');
}
afterAll(async () => {
  await Promise.all(directories.map((dir) => rm(dir, { recursive: true, force: true })));
});

describe('local SecretStore', () => {
  secretStoreContract(async (clock) => createLocalStores({ dataDir: await newDataDir(), clock }).secrets);
});

describe('local MetadataStore', () => {
  metadataStoreContract(async (clock) => createLocalStores({ dataDir: await newDataDir(), clock }).metadata);
});

describe('local LeaseStore', () => {
  leaseStoreContract(async (clock) => createLocalStores({ dataDir: await newDataDir(), clock }).leases);
});

describe('local data directory', () => {
  let dataDir: string;
  let clock: ManualClock;
  beforeEach(async () => {
    dataDir = await newDataDir();
    clock = new ManualClock();
  });

  it('creates the key file with mode 0600 and 32 bytes, in a 0700 data directory', async () => {
    await createLocalStores({ dataDir, clock }).secrets.put('trustline/x', 'value');
    const key = await stat(path.join(dataDir, KEY_FILE));
    expect(key.mode & 0o777).toBe(0o600);
    expect(key.size).toBe(32);
    expect((await stat(dataDir)).mode & 0o777).toBe(0o700);
  });

  it('agrees on one key when many stores start at once on a new directory', async () => {
    const keys = await Promise.all(Array.from({ length: 10 }, () => loadOrCreateKey(dataDir)));
    expect(new Set(keys.map((key) => key.toString('hex'))).size).toBe(1);
    expect((await readdir(dataDir)).filter((name) => name !== KEY_FILE)).toEqual([]);
  });

  it('refuses a data directory in the earlier one-file-per-item format instead of reading it as empty', async () => {
    await mkdir(path.join(dataDir, 'metadata', 'integration-0123'), { recursive: true });
    const { metadata, secrets } = createLocalStores({ dataDir, clock });
    for (const operation of [() => metadata.list('integration'), () => secrets.get('trustline/integrations/x')]) {
      await expect(operation()).rejects.toMatchObject({ code: 'STORE_FORMAT_OUTDATED', directory: path.resolve(dataDir) });
    }
  });
});
