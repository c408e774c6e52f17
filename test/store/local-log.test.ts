import { spawn } from 'node:child_process';
import { appendFile, copyFile, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { StoreCorruptedError, StoreLockedError } from '../../lib/store/errors.ts';
import { createLocalStores } from '../../lib/store/local/index.ts';
import { loadOrCreateKey } from '../../lib/store/local/key-file.ts';
import { slotOf } from '../../lib/store/local/log-frame.ts';
import { Generation } from '../../lib/store/local/log-generation.ts';
import { seal } from '../../lib/store/local/sealed.ts';
import { ManualClock } from '../support/manual-clock.ts';

const roots: string[] = [];
afterAll(() => Promise.all(roots.map((root) => rm(root, { recursive: true, force: true }))));

let dataDir: string;
let clock: ManualClock;
beforeEach(async () => {
  const root = await mkdtemp(path.join(tmpdir(), 'trustline-log-'));
  roots.push(root);
  dataDir = path.join(root, 'data');
  clock = new ManualClock();
});

const logFile = (name: 'secrets' | 'metadata', generation = 1) => path.join(dataDir, `${name}.${String(generation).padStart(6, '0')}.log`);

/** The frames of a log file: [offset, length] of each (6-byte header: `TL`, u32 body length). */
function frames(bytes: Buffer): { offset: number; length: number }[] {
  const found: { offset: number; length: number }[] = [];
  for (let offset = 0; offset < bytes.length; ) {
    const length = 6 + bytes.readUInt32BE(offset + 2);
    found.push({ offset, length });
    offset += length;
  }
  return found;
}

describe('local store logs on disk', () => {
  it('keep secrets encrypted at rest: the log holds neither the value nor the name', async () => {
    await createLocalStores({ dataDir, clock }).secrets.put('trustline/integration/gmail', 'plain-refresh-token-value');
    const bytes = await readFile(logFile('secrets'));
    expect(bytes.length).toBeGreaterThan(0);
    expect(bytes.includes('plain-refresh-token-value')).toBe(false);
    expect(bytes.includes('gmail')).toBe(false);
    expect((await stat(logFile('secrets'))).mode & 0o777).toBe(0o600);
  });

  it('keep metadata encrypted at rest: the log holds no kind, id or data', async () => {
    await createLocalStores({ dataDir, clock }).metadata.put({ kind: 'integration', id: 'gmail-main', data: { name: 'Support mailbox' } });
    const bytes = await readFile(logFile('metadata'));
    for (const text of ['integration', 'gmail-main', 'Support mailbox']) expect(bytes.includes(text)).toBe(false);
  });

  it('report a damaged record as StoreCorruptedError naming the log, for that entry only, and leave the log untouched', async () => {
    const { secrets } = createLocalStores({ dataDir, clock });
    await secrets.put('trustline/a', 'secret-value-a');
    await secrets.put('trustline/b', 'secret-value-b');
    const file = logFile('secrets');
    const bytes = await readFile(file);
    const first = frames(bytes)[0]!;
    bytes[first.offset + first.length - 3]! ^= 0x01;
    await writeFile(file, bytes);

    const reader = createLocalStores({ dataDir, clock }).secrets;
    for (const operation of [() => reader.get('trustline/a'), () => reader.put('trustline/a', 'new'), () => reader.delete('trustline/a')]) {
      const error: unknown = await operation().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(StoreCorruptedError);
      expect(error).toMatchObject({ code: 'STORE_CORRUPTED', file });
      expect((error as Error).message).toContain(file);
      expect((error as Error).message).not.toContain('secret-value-a');
    }
    expect(await reader.get('trustline/b')).toMatchObject({ value: 'secret-value-b' });
    expect(await readFile(file)).toEqual(bytes);
  });

  it("do not decrypt a record moved to another entry's slot", async () => {
    const { secrets } = createLocalStores({ dataDir, clock });
    await secrets.put('trustline/a', 'value-a');
    await secrets.put('trustline/b', 'value-b');
    const file = logFile('secrets');
    const bytes = await readFile(file);
    const first = frames(bytes)[0]!;
    const moved = Buffer.from(bytes.subarray(first.offset, first.offset + first.length));
    slotOf('trustline/b').copy(moved, 6);
    await appendFile(file, moved);
    await expect(createLocalStores({ dataDir, clock }).secrets.get('trustline/b')).rejects.toMatchObject({ code: 'STORE_CORRUPTED', file });
  });

  it('report a log whose frames cannot be found any more as StoreCorruptedError on every operation, and never overwrite it', async () => {
    const { metadata } = createLocalStores({ dataDir, clock });
    await metadata.put({ kind: 'integration', id: 'gmail', data: { name: 'Gmail' } });
    await metadata.put({ kind: 'integration', id: 'outlook', data: { name: 'Outlook' } });
    const file = logFile('metadata');
    const bytes = await readFile(file);
    const second = frames(bytes)[1]!;
    bytes.fill(0x00, second.offset, second.offset + 6);
    await writeFile(file, bytes);

    const reader = createLocalStores({ dataDir, clock }).metadata;
    const operations = [
      () => reader.get('integration', 'gmail'),
      () => reader.put({ kind: 'integration', id: 'gmail', data: {} }),
      () => reader.take('integration', 'gmail'),
      () => reader.delete('integration', 'gmail'),
      () => reader.list('integration'),
      () => reader.queryDue('integration', clock.now()),
    ];
    for (const operation of operations) await expect(operation()).rejects.toMatchObject({ name: 'StoreCorruptedError', file });
    expect(await readFile(file)).toEqual(bytes);
  });

  it('cut off a frame torn by a power loss at the end of the log, keeping every complete one', async () => {
    const { metadata } = createLocalStores({ dataDir, clock });
    await metadata.put({ kind: 'k', id: 'kept', data: 1 });
    await metadata.put({ kind: 'k', id: 'torn', data: 2 });
    const file = logFile('metadata');
    const bytes = await readFile(file);
    const last = frames(bytes).at(-1)!;
    await writeFile(file, bytes.subarray(0, last.offset + Math.floor(last.length / 2)));

    const reopened = createLocalStores({ dataDir, clock }).metadata;
    expect(await reopened.get('k', 'kept')).toMatchObject({ data: 1, version: 1 });
    expect(await reopened.get('k', 'torn')).toBeUndefined();
    expect((await stat(file)).size).toBe(last.offset);
    await reopened.put({ kind: 'k', id: 'after', data: 3 });
    expect((await createLocalStores({ dataDir, clock }).metadata.list('k')).items.map((item) => item.id)).toEqual(['after', 'kept']);
  });

  it('read a log restored from an older copy as that older content', async () => {
    const { secrets } = createLocalStores({ dataDir, clock });
    await secrets.put('trustline/a', 'old');
    const file = logFile('secrets');
    await copyFile(file, `${file}.backup`);
    await secrets.put('trustline/a', 'new');
    expect(await secrets.get('trustline/a')).toMatchObject({ value: 'new' });
    await copyFile(`${file}.backup`, file);
    expect(await secrets.get('trustline/a')).toMatchObject({ value: 'old' });
  });

  it('show each store what another store on the same directory wrote meanwhile', async () => {
    const reader = createLocalStores({ dataDir, clock });
    const writer = createLocalStores({ dataDir, clock });
    await writer.metadata.put({ kind: 'k', id: 'i', data: 'first' });
    await writer.secrets.put('trustline/a', 'first');
    expect(await reader.metadata.get('k', 'i')).toMatchObject({ data: 'first', version: 1 });
    expect(await reader.secrets.get('trustline/a')).toMatchObject({ value: 'first' });
    await writer.metadata.put({ kind: 'k', id: 'i', data: 'second' });
    await writer.secrets.put('trustline/a', 'second');
    expect(await reader.metadata.get('k', 'i')).toMatchObject({ data: 'second', version: 2 });
    expect((await reader.metadata.list('k')).items).toMatchObject([{ data: 'second' }]);
    expect(await reader.secrets.get('trustline/a')).toMatchObject({ value: 'second' });
  });

  it('write the appends of one turn of the event loop together, deciding their conditions in the order they were made', async () => {
    const { metadata } = createLocalStores({ dataDir, clock });
    await metadata.put({ kind: 'k', id: 'seed', data: 0 });
    const before = frames(await readFile(logFile('metadata'))).length;
    const write = vi.spyOn(Generation.prototype, 'append');
    try {
      // Started in one turn: two writers race on version 1 of 'contested', eight others write
      // alone, and two more start later in the turn (after a nextTick and a resolved promise).
      const later = (i: number) => metadata.put({ kind: 'k', id: `item-${String(i)}`, data: i }, undefined, { durable: false });
      const outcomes = await Promise.allSettled([
        metadata.put({ kind: 'k', id: 'contested', data: 'first' }, { expectedVersion: 'absent' }),
        metadata.put({ kind: 'k', id: 'contested', data: 'second' }, { expectedVersion: 'absent' }),
        ...Array.from({ length: 8 }, (_, i) => metadata.put({ kind: 'k', id: `item-${String(i)}`, data: i }, undefined, { durable: false })),
        new Promise((resolve) => { process.nextTick(() => { resolve(later(8)); }); }),
        Promise.resolve().then(() => later(9)),
      ]);
      expect(write).toHaveBeenCalledTimes(1);
      expect(outcomes[0]).toMatchObject({ status: 'fulfilled', value: { version: 1 } });
      expect(outcomes[1]).toMatchObject({ status: 'rejected', reason: { name: 'ConditionFailedError' } });
      expect(outcomes.slice(2).every((outcome) => outcome.status === 'fulfilled')).toBe(true);
    } finally {
      write.mockRestore();
    }
    // Each record is still a frame of its own, and another process reads the same outcome.
    expect(frames(await readFile(logFile('metadata'))).length).toBe(before + 12);
    const other = createLocalStores({ dataDir, clock });
    expect(await other.metadata.get('k', 'contested')).toMatchObject({ data: 'first', version: 1 });
    expect((await other.metadata.list('k')).items).toHaveLength(12);
  });

  it('order the batches of two stores on one directory written in the same turn as the file has them', async () => {
    const a = createLocalStores({ dataDir, clock });
    const b = createLocalStores({ dataDir, clock });
    await Promise.all([a.metadata.get('k', 'x'), b.metadata.get('k', 'x')]);
    const [fromA, fromB] = await Promise.allSettled([
      a.metadata.put({ kind: 'k', id: 'x', data: 'a' }, { expectedVersion: 'absent' }),
      b.metadata.put({ kind: 'k', id: 'x', data: 'b' }, { expectedVersion: 'absent' }),
    ]);
    // Exactly one wins, and both stores agree on which.
    expect([fromA, fromB].filter((outcome) => outcome.status === 'fulfilled')).toHaveLength(1);
    const winner = fromA.status === 'fulfilled' ? 'a' : 'b';
    expect(await a.metadata.get('k', 'x')).toMatchObject({ data: winner, version: 1 });
    expect(await b.metadata.get('k', 'x')).toMatchObject({ data: winner, version: 1 });
  });

  it('hand out a fresh copy of the data on every read', async () => {
    const { metadata } = createLocalStores({ dataDir, clock });
    await metadata.put({ kind: 'k', id: 'i', data: { list: [1] } });
    const first = await metadata.get<{ list: number[] }>('k', 'i');
    first!.data.list.push(2);
    expect(await metadata.get('k', 'i')).toMatchObject({ data: { list: [1] } });
  });
});

describe('local store log compaction', () => {
  it('rewrites the log as its live entries, dropping expired ones, with versions and previous secrets kept', async () => {
    const stores = createLocalStores({ dataDir, clock });
    for (let i = 1; i <= 40; i++) await stores.metadata.put({ kind: 'k', id: 'busy', data: i, dueAt: 5 });
    await stores.metadata.put({ kind: 'oauth-state', id: 'abandoned', data: 'x', expiresAt: clock.now() + 1_000 });
    await stores.secrets.put('trustline/a', 'one');
    await stores.secrets.put('trustline/a', 'two');
    const before = (await stat(logFile('metadata'))).size;
    clock.advance(60_000);

    await stores.compact();

    expect((await readdir(dataDir)).filter((name) => name.endsWith('.log')).sort()).toEqual(['metadata.000002.log', 'secrets.000002.log']);
    expect((await stat(logFile('metadata', 2))).size).toBeLessThan(before / 10);
    const reopened = createLocalStores({ dataDir, clock });
    expect(await reopened.metadata.get('k', 'busy')).toMatchObject({ data: 40, version: 40, dueAt: 5 });
    expect(await reopened.metadata.list('oauth-state')).toEqual({ items: [] });
    expect(await reopened.secrets.get('trustline/a')).toMatchObject({ value: 'two' });
    expect(await reopened.secrets.get('trustline/a', { stage: 'previous' })).toMatchObject({ value: 'one' });
    await expect(reopened.metadata.put({ kind: 'k', id: 'busy', data: 41 }, { expectedVersion: 40 })).resolves.toMatchObject({ version: 41 });
  });

  it('moves a store that read the old generation on to the new one, where its writes land', async () => {
    const early = createLocalStores({ dataDir, clock });
    await early.metadata.put({ kind: 'k', id: 'i', data: 'before' });
    const compactor = createLocalStores({ dataDir, clock });
    await compactor.compact();
    await expect(early.metadata.put({ kind: 'k', id: 'i', data: 'after' }, { expectedVersion: 1 })).resolves.toMatchObject({ version: 2 });
    expect(await compactor.metadata.get('k', 'i')).toMatchObject({ data: 'after', version: 2 });
    expect(await createLocalStores({ dataDir, clock }).metadata.get('k', 'i')).toMatchObject({ data: 'after', version: 2 });
  });

  it('happens by itself once the log holds many more records than live entries', async () => {
    const { metadata } = createLocalStores({ dataDir, clock, compactAfter: 20 });
    for (let i = 1; i <= 100; i++) await metadata.put({ kind: 'k', id: 'i', data: i });
    for (let waited = 0; waited < 1000 && !(await readdir(dataDir)).some((name) => /^metadata\.00000[2-9]\.log$/.test(name)); waited++) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect((await readdir(dataDir)).filter((name) => name.startsWith('metadata.') && name.endsWith('.log'))).not.toContain('metadata.000001.log');
    expect(await createLocalStores({ dataDir, clock }).metadata.get('k', 'i')).toMatchObject({ data: 100, version: 100 });
  });

  it('is finished by the next reader when the compacting process died after sealing the log', async () => {
    const { metadata } = createLocalStores({ dataDir, clock });
    await metadata.put({ kind: 'k', id: 'i', data: 'sealed in' });
    await appendFrame(logFile('metadata'), 'metadata', Buffer.alloc(32), { t: 'dead-compactor', seal: clock.now() });
    await appendFrame(logFile('metadata'), 'metadata', slotOf('k\u0000late'), {
      t: 'after-the-seal',
      r: { o: 'put', k: 'k', i: 'late', d: '"lost"', n: clock.now() },
    });

    const reader = createLocalStores({ dataDir, clock }).metadata;
    expect(await reader.get('k', 'i')).toMatchObject({ data: 'sealed in' });
    expect(await reader.get('k', 'late')).toBeUndefined();
    expect((await readdir(dataDir)).filter((name) => name.startsWith('metadata.'))).toContain('metadata.000002.log');
    await expect(metadata.put({ kind: 'k', id: 'i', data: 'next' }, { expectedVersion: 1 })).resolves.toMatchObject({ version: 2 });
  });

  it('takes over the compaction lock of a process that died holding it', async () => {
    const stores = createLocalStores({ dataDir, clock, lock: { timeoutMs: 2_000 } });
    await stores.metadata.put({ kind: 'k', id: 'i', data: 1 });
    await writeFile(path.join(dataDir, 'metadata.compact.lock'), JSON.stringify({ pid: await exitedProcessPid(), host: hostname(), token: 'crashed' }));
    await stores.compact();
    expect(await readdir(dataDir)).toContain('metadata.000002.log');
  });

  it('gives up with StoreLockedError while a live process keeps the compaction lock, and the store stays usable', async () => {
    const stores = createLocalStores({ dataDir, clock, lock: { timeoutMs: 100 } });
    await stores.metadata.put({ kind: 'k', id: 'i', data: 1 });
    const lock = path.join(dataDir, 'metadata.compact.lock');
    await writeFile(lock, JSON.stringify({ pid: process.pid, host: hostname(), token: 'held' }));
    await expect(stores.compact()).rejects.toBeInstanceOf(StoreLockedError);
    await expect(stores.metadata.put({ kind: 'k', id: 'i', data: 2 })).resolves.toMatchObject({ version: 2 });
    await rm(lock);
  });
});

/** Appends a frame sealed with the data directory's key, as a Trustline process would. */
async function appendFrame(file: string, name: string, slot: Buffer, payload: unknown): Promise<void> {
  const key = await loadOrCreateKey(dataDir);
  const sealed = seal(key, `trustline-log:${name}:${slot.toString('hex')}`, Buffer.from(JSON.stringify(payload), 'utf8'));
  const header = Buffer.alloc(6);
  header.writeUInt16BE(0x544c, 0);
  header.writeUInt32BE(slot.length + sealed.length, 2);
  await appendFile(file, Buffer.concat([header, slot, sealed]));
}

/** The pid of a process that has already exited. */
async function exitedProcessPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '']);
  await new Promise((resolve) => child.on('exit', resolve));
  return child.pid!;
}
