import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../lib/store/local/database.ts';
import { createLocalStores } from '../../lib/store/local/index.ts';
import { ManualClock } from '../support/manual-clock.ts';

const roots: string[] = [];
afterAll(() => Promise.all(roots.map((root) => rm(root, { recursive: true, force: true }))));

/** The local stores on a new data directory, and the transactions `store.mdb` commits from now on. */
async function storesCountingCommits() {
  const root = await mkdtemp(path.join(tmpdir(), 'trustline-put-with-item-'));
  roots.push(root);
  const dataDir = path.join(root, 'data');
  const stores = createLocalStores({ dataDir, clock: new ManualClock() });
  await stores.open();
  const transactions: number[] = [];
  (await openDatabase(dataDir)).secrets.on('aftercommit', ({ txnId }: { txnId: number }) => transactions.push(txnId));
  const putWithItem = stores.secrets.putWithItem;
  if (putWithItem === undefined) throw new Error('the local SecretStore has no putWithItem');
  return { ...stores, putWithItem, transactions, dataDir };
}

describe('local SecretStore putWithItem', () => {
  it('writes the secret and the item in one transaction, the item at its next version', async () => {
    const { putWithItem, secrets, metadata, transactions } = await storesCountingCommits();
    await metadata.put({ kind: 'outcome', id: 'a', data: 'before' });
    transactions.length = 0;

    const { versionId, item } = await putWithItem('trustline/a', 'tokens', {
      item: { kind: 'outcome', id: 'a', data: 'after', dueAt: 5 },
      condition: { expectedVersion: 1 },
    });

    expect(transactions).toHaveLength(1);
    expect(item).toEqual({ kind: 'outcome', id: 'a', data: 'after', version: 2, dueAt: 5 });
    expect(await metadata.get('outcome', 'a')).toEqual(item);
    expect(await secrets.get('trustline/a')).toEqual({ value: 'tokens', versionId });
    expect((await metadata.queryDue('outcome', 5)).items).toEqual([item]);
  });

  it('writes the secret alone, and says so, when the item condition does not hold', async () => {
    const { putWithItem, secrets, metadata } = await storesCountingCommits();
    const stored = await metadata.put({ kind: 'outcome', id: 'b', data: 'changed meanwhile' });

    const { versionId, item } = await putWithItem('trustline/b', 'tokens', {
      item: { kind: 'outcome', id: 'b', data: 'after' },
      condition: { expectedVersion: 'absent' },
    });

    expect(item).toBeUndefined();
    expect(await metadata.get('outcome', 'b')).toEqual(stored);
    expect(await secrets.get('trustline/b')).toEqual({ value: 'tokens', versionId });
  });

  it('keeps the replaced secret value as the previous version, as put does', async () => {
    const { putWithItem, secrets } = await storesCountingCommits();
    await secrets.put('trustline/c', 'first');
    await putWithItem('trustline/c', 'second', { item: { kind: 'outcome', id: 'c', data: 1 } });
    expect((await secrets.get('trustline/c'))?.value).toBe('second');
    expect((await secrets.get('trustline/c', { stage: 'previous' }))?.value).toBe('first');
  });

  it('writes the item after the secret, deciding again, when another write changed it between read and commit', async () => {
    const { putWithItem, secrets, metadata } = await storesCountingCommits();
    // Started in one turn, both read the absent item; the plain put commits first in the batch.
    const [first, { versionId, item }] = await Promise.all([
      metadata.put({ kind: 'outcome', id: 'd', data: 'first' }),
      putWithItem('trustline/d', 'tokens', { item: { kind: 'outcome', id: 'd', data: 'second' } }),
    ]);
    expect(first.version).toBe(1);
    expect(item).toEqual({ kind: 'outcome', id: 'd', data: 'second', version: 2 });
    expect(await metadata.get('outcome', 'd')).toEqual(item);
    expect(await secrets.get('trustline/d')).toEqual({ value: 'tokens', versionId });
  });

  it('writes the secret alone when the item, changed between read and commit, no longer meets the condition', async () => {
    const { putWithItem, secrets, metadata } = await storesCountingCommits();
    const [first, { versionId, item }] = await Promise.all([
      metadata.put({ kind: 'outcome', id: 'e', data: 'first' }),
      putWithItem('trustline/e', 'tokens', { item: { kind: 'outcome', id: 'e', data: 'second' }, condition: { expectedVersion: 'absent' } }),
    ]);
    expect(item).toBeUndefined();
    expect(await metadata.get('outcome', 'e')).toEqual(first);
    expect(await secrets.get('trustline/e')).toEqual({ value: 'tokens', versionId });
  });

  it('writes nothing when the item cannot be read, and says why', async () => {
    const { putWithItem, secrets, metadata, dataDir } = await storesCountingCommits();
    await secrets.put('trustline/f', 'before');
    await metadata.put({ kind: 'outcome', id: 'f', data: 'stored' });
    const db = await openDatabase(dataDir);
    const damaged = Buffer.from(db.items.get(['outcome', 'f'])!);
    damaged[damaged.length - 1]! ^= 0x01;
    await db.items.put(['outcome', 'f'], damaged, 1);

    await expect(putWithItem('trustline/f', 'after', { item: { kind: 'outcome', id: 'f', data: 'new' } })).rejects.toMatchObject({ code: 'STORE_CORRUPTED' });
    await metadata.put({ kind: 'outcome', id: 'later', data: 'committed after anything the failed call queued' });
    expect((await secrets.get('trustline/f'))?.value).toBe('before');
  });
});
