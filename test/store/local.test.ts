import { spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { StoreCorruptedError, StoreLockedError } from '../../lib/store/errors.ts';
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

describe('local store files', () => {
  let dataDir: string;
  let clock: ManualClock;
  beforeEach(async () => {
    dataDir = await newDataDir();
    clock = new ManualClock();
  });

  const onlyFile = async (subdirectory: string, suffix: string): Promise<string> => {
    const found: string[] = [];
    const walk = async (dir: string): Promise<void> => {
      for (const entry of await readdir(dir, { withFileTypes: true })) {
        const full = path.join(dir, entry.name);
        if (entry.isDirectory()) await walk(full);
        else if (entry.name.endsWith(suffix)) found.push(full);
      }
    };
    await walk(path.join(dataDir, subdirectory));
    expect(found).toHaveLength(1);
    return found[0]!;
  };

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

  it('keeps secrets encrypted at rest: the file holds neither the value nor the name', async () => {
    const { secrets } = createLocalStores({ dataDir, clock });
    await secrets.put('trustline/integration/gmail', 'plain-refresh-token-value');
    const bytes = await readFile(await onlyFile('secrets', '.secret'));
    expect(bytes.includes('plain-refresh-token-value')).toBe(false);
    expect(bytes.includes('gmail')).toBe(false);
  });

  it('reports a corrupted secret file as StoreCorruptedError naming it, and leaves it untouched', async () => {
    const { secrets } = createLocalStores({ dataDir, clock });
    await secrets.put('trustline/a', 'secret-value-a');
    const file = await onlyFile('secrets', '.secret');
    const bytes = await readFile(file);
    bytes[bytes.length - 3]! ^= 0x01;
    await writeFile(file, bytes);

    for (const operation of [() => secrets.get('trustline/a'), () => secrets.put('trustline/a', 'new'), () => secrets.delete('trustline/a')]) {
      const error: unknown = await operation().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(StoreCorruptedError);
      expect(error).toMatchObject({ code: 'STORE_CORRUPTED', file });
      expect((error as Error).message).toContain(file);
      expect((error as Error).message).not.toContain('secret-value-a');
    }
    expect(await readFile(file)).toEqual(bytes);
  });

  it("does not decrypt a secret file copied under another secret's name", async () => {
    const { secrets } = createLocalStores({ dataDir, clock });
    await secrets.put('trustline/a', 'value-a');
    const fileA = await onlyFile('secrets', '.secret');
    await secrets.put('trustline/b', 'value-b');
    const fileB = (await readdir(path.dirname(fileA))).map((n) => path.join(path.dirname(fileA), n)).find((f) => f !== fileA)!;
    await writeFile(fileB, await readFile(fileA));
    await expect(secrets.get('trustline/b')).rejects.toMatchObject({ code: 'STORE_CORRUPTED', file: fileB });
  });

  it('reports a truncated metadata file as StoreCorruptedError naming it, and never overwrites it', async () => {
    const { metadata } = createLocalStores({ dataDir, clock });
    await metadata.put({ kind: 'integration', id: 'gmail', data: { name: 'Gmail' } });
    const file = await onlyFile('metadata', '.item');
    const truncated = (await readFile(file)).subarray(0, 20);
    await writeFile(file, truncated);

    const operations = [
      () => metadata.get('integration', 'gmail'),
      () => metadata.put({ kind: 'integration', id: 'gmail', data: {} }),
      () => metadata.put({ kind: 'integration', id: 'gmail', data: {} }, { expectedVersion: 'absent' }),
      () => metadata.take('integration', 'gmail'),
      () => metadata.delete('integration', 'gmail'),
      () => metadata.list('integration'),
    ];
    for (const operation of operations) {
      await expect(operation()).rejects.toMatchObject({ name: 'StoreCorruptedError', file });
    }
    expect(await readFile(file)).toEqual(truncated);
  });

  it('takes over the lock of a process that died holding it', async () => {
    const { metadata } = createLocalStores({ dataDir, clock, lock: { timeoutMs: 2_000 } });
    await metadata.put({ kind: 'k', id: 'i', data: 1 });
    const file = await onlyFile('metadata', '.item');
    const deadPid = await exitedProcessPid();
    const { hostname } = await import('node:os');
    await writeFile(`${file}.lock`, JSON.stringify({ pid: deadPid, host: hostname(), token: 'crashed' }));
    await expect(metadata.put({ kind: 'k', id: 'i', data: 2 })).resolves.toMatchObject({ version: 2 });
  });

  it('gives up with StoreLockedError when a live process keeps the lock', async () => {
    const { metadata } = createLocalStores({ dataDir, clock, lock: { timeoutMs: 100 } });
    await metadata.put({ kind: 'k', id: 'i', data: 1 });
    const file = await onlyFile('metadata', '.item');
    const { hostname } = await import('node:os');
    await writeFile(`${file}.lock`, JSON.stringify({ pid: process.pid, host: hostname(), token: 'held' }));
    await expect(metadata.put({ kind: 'k', id: 'i', data: 2 })).rejects.toBeInstanceOf(StoreLockedError);
    await expect(metadata.put({ kind: 'k', id: 'i', data: 2 })).rejects.toMatchObject({ holderPid: process.pid, file });
    expect(await metadata.get('k', 'i')).toMatchObject({ version: 1 });
  });

  it('sweeps expired items from disk on a later put of the same kind', async () => {
    const { metadata } = createLocalStores({ dataDir, clock });
    await metadata.put({ kind: 'oauth-state', id: 'abandoned', data: 1, expiresAt: clock.now() + 1_000 });
    clock.advance(120_000);
    await metadata.put({ kind: 'oauth-state', id: 'fresh', data: 2, expiresAt: clock.now() + 1_000 });
    const remaining = await onlyFile('metadata', '.item');
    expect((await readFile(remaining)).length).toBeGreaterThan(0);
    expect(await metadata.list('oauth-state')).toMatchObject({ items: [{ id: 'fresh' }] });
  });
});

/** The pid of a process that has already exited. */
async function exitedProcessPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '']);
  await new Promise((resolve) => child.on('exit', resolve));
  return child.pid!;
}
