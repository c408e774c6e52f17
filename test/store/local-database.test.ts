import { spawn } from 'node:child_process';
import { killBurstWorker } from './workers/burst.ts';
import { chmod, chown, mkdir, mkdtemp, readFile, rm, stat, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { open } from 'lmdb';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { StoreCorruptedError } from '../../lib/store/errors.ts';
import { DATABASE_FILE, KEY_FILE, createLocalStores } from '../../lib/store/local/index.ts';
import { openDatabase } from '../../lib/store/local/database.ts';
import { ManualClock } from '../support/manual-clock.ts';

const roots: string[] = [];
afterAll(() => Promise.all(roots.map((root) => rm(root, { recursive: true, force: true }))));

let dataDir: string;
let clock: ManualClock;
beforeEach(async () => {
  const root = await mkdtemp(path.join(tmpdir(), 'trustline-db-'));
  roots.push(root);
  dataDir = path.join(root, 'data');
  clock = new ManualClock();
});
const databaseFile = () => path.join(dataDir, DATABASE_FILE);

describe('the local database on disk', () => {
  it('keeps secret values encrypted at rest, in a 0600 file', async () => {
    await createLocalStores({ dataDir, clock }).secrets.put('trustline/integration/gmail', 'plain-refresh-token-value');
    const bytes = await readFile(databaseFile());
    expect(bytes.includes('trustline/integration/gmail')).toBe(true);
    expect(bytes.includes('plain-refresh-token-value')).toBe(false);
    expect((await stat(databaseFile())).mode & 0o777).toBe(0o600);
  });

  it('keeps item data encrypted at rest', async () => {
    await createLocalStores({ dataDir, clock }).metadata.put({ kind: 'integration', id: 'gmail-main', data: { name: 'Support mailbox' } });
    expect((await readFile(databaseFile())).includes('Support mailbox')).toBe(false);
  });

  it('reports a value that fails authentication as StoreCorruptedError naming the database, for that entry only', async () => {
    const { secrets } = createLocalStores({ dataDir, clock });
    await secrets.put('trustline/a', 'secret-value-a');
    await secrets.put('trustline/b', 'secret-value-b');
    const db = await openDatabase(dataDir);
    const damaged = Buffer.from(db.secrets.get('trustline/a')!);
    damaged[damaged.length - 3]! ^= 0x01;
    await db.secrets.put('trustline/a', damaged, 1);

    for (const operation of [() => secrets.get('trustline/a'), () => secrets.put('trustline/a', 'new')]) {
      const error: unknown = await operation().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(StoreCorruptedError);
      expect(error).toMatchObject({ code: 'STORE_CORRUPTED', file: databaseFile() });
      expect((error as Error).message).not.toContain('secret-value-a');
    }
    expect(await secrets.get('trustline/b')).toMatchObject({ value: 'secret-value-b' });
  });

  it("does not decrypt a value copied under another entry's key", async () => {
    const { secrets, metadata } = createLocalStores({ dataDir, clock });
    await secrets.put('trustline/a', 'value-a');
    await metadata.put({ kind: 'k', id: 'a', data: 'a' });
    const db = await openDatabase(dataDir);
    await db.secrets.put('trustline/b', db.secrets.get('trustline/a')!, 1);
    await db.items.put(['k', 'b'], db.items.get(['k', 'a'])!, 1);
    await expect(secrets.get('trustline/b')).rejects.toMatchObject({ code: 'STORE_CORRUPTED' });
    await expect(metadata.get('k', 'b')).rejects.toMatchObject({ code: 'STORE_CORRUPTED' });
  });

  it('reads and writes the entries an earlier build wrote in transactions (LMDB version 0)', async () => {
    const { secrets, metadata } = createLocalStores({ dataDir, clock });
    await secrets.put('trustline/old', 'first');
    await metadata.put({ kind: 'k', id: 'old', data: 1 });
    const db = await openDatabase(dataDir);
    // What a put inside a transaction, as the earlier build wrote, leaves: the same value at version 0.
    await db.secrets.put('trustline/old', db.secrets.get('trustline/old')!, 0);
    await db.items.put(['k', 'old'], db.items.get(['k', 'old'])!, 0);
    expect([db.secrets.getEntry('trustline/old')?.version, db.items.getEntry(['k', 'old'])?.version]).toEqual([0, 0]);

    await secrets.put('trustline/old', 'second');
    expect((await secrets.get('trustline/old', { stage: 'previous' }))?.value).toBe('first');
    expect((await metadata.put({ kind: 'k', id: 'old', data: 2 }, { expectedVersion: 1 })).version).toBe(2);
  });

  it('hands out a fresh copy of the data on every read', async () => {
    const { metadata } = createLocalStores({ dataDir, clock });
    await metadata.put({ kind: 'k', id: 'i', data: { list: [1] } });
    const first = await metadata.get<{ list: number[] }>('k', 'i');
    first!.data.list.push(2);
    expect((await metadata.get('k', 'i'))?.data).toEqual({ list: [1] });
  });

  it('deletes the items that expired meanwhile when a process opens it, keeping their versions out of reach', async () => {
    const { metadata } = createLocalStores({ dataDir, clock });
    await metadata.put({ kind: 'state', id: 'old', data: 1, dueAt: clock.now(), expiresAt: clock.now() + 1_000 });
    await metadata.put({ kind: 'state', id: 'kept', data: 2, expiresAt: clock.now() + 60_000 });
    clock.advance(1_000);
    await createLocalStores({ dataDir, clock }).metadata.get('state', 'kept');
    const db = await openDatabase(dataDir);
    expect(db.items.get(['state', 'old'])).toBeUndefined();
    expect([...db.due.getKeys({ start: ['state'], end: ['state', Buffer.from([0xff])] })]).toEqual([]);
    expect(await metadata.get('state', 'kept')).toMatchObject({ data: 2 });
  });
});

describe('the local data directory', () => {
  it('makes a data directory and key file that others could read private again', async () => {
    await createLocalStores({ dataDir, clock }).secrets.put('trustline/x', 'value');
    await chmod(dataDir, 0o755);
    await chmod(path.join(dataDir, KEY_FILE), 0o644);
    // A new process: the checks run when the database is opened.
    await runStoreProcess(dataDir);
    expect((await stat(dataDir)).mode & 0o777).toBe(0o700);
    expect((await stat(path.join(dataDir, KEY_FILE))).mode & 0o777).toBe(0o600);
  });

  it('refuses a data directory or key file that belongs to another user, naming it', async () => {
    await createLocalStores({ dataDir, clock }).secrets.put('trustline/x', 'value');
    const key = path.join(dataDir, KEY_FILE);
    await ownedByAnotherUser(key, '/etc/hostname');
    expect(await runStoreProcess(dataDir)).toMatch(new RegExp(`DATA_DIRECTORY_NOT_OWNED.*${key}`));
    await rm(dataDir, { recursive: true });
    await ownedByAnotherUser(dataDir, '/');
    expect(await runStoreProcess(dataDir)).toMatch(new RegExp(`DATA_DIRECTORY_NOT_OWNED.*${dataDir}`));
  });

  it.each(['secrets.000001.log', 'metadata'])('refuses a data directory of an earlier format (%s) with what to do', async (found) => {
    await mkdir(path.join(dataDir, found), { recursive: true });
    const { metadata, secrets } = createLocalStores({ dataDir, clock });
    for (const operation of [() => metadata.list('integration'), () => secrets.get('trustline/integrations/x')]) {
      const error: unknown = await operation().catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 'STORE_FORMAT_OUTDATED', directory: dataDir, found });
      expect((error as Error).message).toContain('authorize the integrations again');
    }
  });
});

describe('a database of the first LMDB format', () => {
  it('is refused with what to do', async () => {
    await mkdir(dataDir, { recursive: true, mode: 0o700 });
    const first = open({ path: databaseFile(), noSubdir: true, encoding: 'binary' });
    await first.openDB<Buffer, string>('secrets', { encoding: 'binary' }).put('trustline/x', Buffer.from('sealed before revisions'));
    await first.close();
    const error: unknown = await createLocalStores({ dataDir, clock })
      .secrets.get('trustline/x')
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'STORE_FORMAT_OUTDATED', directory: dataDir, found: DATABASE_FILE });
    expect((error as Error).message).toContain('store.mdb* entries away');
  });
});

describe('a process killed in the middle of a burst of creates', () => {
  it('loses none of the creates it was told were done', async () => {
    const acknowledged = await killBurstWorker([dataDir], 200);
    expect(acknowledged.length).toBeGreaterThanOrEqual(200);
    const { metadata } = createLocalStores({ dataDir, clock });
    const stored = new Set((await metadata.list('burst')).items.map((item) => item.id));
    expect(acknowledged.filter((id) => !stored.has(id))).toEqual([]);
  }, 60_000);
});

/** Opens the stores in a separate process (so the directory checks run again) and returns its stderr. */
/**
 * Makes `file` another user's: as root by handing it to nobody; as anyone else (who cannot
 * chown) by making it a link to `rootOwned`, which the checks follow as the store does.
 */
async function ownedByAnotherUser(file: string, rootOwned: string): Promise<void> {
  if (process.getuid?.() === 0) {
    if (!(await stat(file).catch(() => undefined))) await mkdir(file, { mode: 0o700 });
    await chown(file, 65534, 65534);
    return;
  }
  await rm(file, { force: true });
  await symlink(rootOwned, file);
  expect((await stat(file)).uid).not.toBe(process.getuid?.());
}

async function runStoreProcess(dir: string): Promise<string> {
  const script = `import { createLocalStores } from './lib/store/local/index.ts';
    const { secrets } = createLocalStores({ dataDir: ${JSON.stringify(dir)}, clock: { now: () => Date.now() } });
    await secrets.get('trustline/x').catch((error) => { process.stderr.write(error.code + ' ' + error.message); });`;
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  await new Promise((resolve) => child.on('close', resolve));
  return stderr;
}
