import { beforeEach, expect, it } from 'vitest';
import { ConditionFailedError, InvalidPageRequestError } from '../../../lib/store/errors.ts';
import type { MetadataStore } from '../../../lib/store/ports.ts';
import { ManualClock } from '../../support/manual-clock.ts';
import { allPages, type Factory, unique } from './support.ts';

/** The MetadataStore contract. */
export function metadataStoreContract(factory: Factory<MetadataStore>): void {
  let store: MetadataStore;
  let clock: ManualClock;
  beforeEach(async () => {
    clock = new ManualClock();
    store = await factory(clock);
  });
  const kind = () => unique('kind');

  it('reads an unknown item as undefined', async () => {
    expect(await store.get(kind(), 'missing')).toBeUndefined();
  });

  it('creates an item at version 1 and reads it back with every field', async () => {
    const k = kind();
    const data = { name: 'Gmail', scopes: ['a', 'b'], nested: { n: 1, none: null }, text: 'ü😀' };
    const dueAt = clock.now() + 5_000;
    const expiresAt = clock.now() + 60_000;
    const written = await store.put({ kind: k, id: 'i1', data, dueAt, expiresAt });
    const expected = { kind: k, id: 'i1', data, version: 1, dueAt, expiresAt };
    expect(written).toEqual(expected);
    expect(await store.get(k, 'i1')).toEqual(expected);
  });

  it('counts the version up on every put', async () => {
    const k = kind();
    await store.put({ kind: k, id: 'i', data: 1 });
    await store.put({ kind: k, id: 'i', data: 2 });
    const third = await store.put({ kind: k, id: 'i', data: 3 });
    expect(third.version).toBe(3);
    expect(await store.get(k, 'i')).toMatchObject({ data: 3, version: 3 });
  });

  it('drops dueAt and expiresAt that a later put does not repeat', async () => {
    const k = kind();
    await store.put({ kind: k, id: 'i', data: 1, dueAt: clock.now(), expiresAt: clock.now() + 1_000 });
    await store.put({ kind: k, id: 'i', data: 2 });
    clock.advance(10_000);
    expect(await store.get(k, 'i')).toEqual({ kind: k, id: 'i', data: 2, version: 2 });
    expect((await store.queryDue(k, clock.now())).items).toEqual([]);
  });

  it("creates with expectedVersion 'absent' only when no live item exists", async () => {
    const k = kind();
    await store.put({ kind: k, id: 'i', data: 'first' }, { expectedVersion: 'absent' });
    const failure = store.put({ kind: k, id: 'i', data: 'second' }, { expectedVersion: 'absent' });
    await expect(failure).rejects.toBeInstanceOf(ConditionFailedError);
    await expect(failure).rejects.toMatchObject({ code: 'CONDITION_FAILED', kind: k, id: 'i', expected: 'absent' });
    expect((await store.get(k, 'i'))?.data).toBe('first');
  });

  it('writes with an expected version only when it matches the live item', async () => {
    const k = kind();
    await store.put({ kind: k, id: 'i', data: 'v1' });
    const second = await store.put({ kind: k, id: 'i', data: 'v2' }, { expectedVersion: 1 });
    expect(second.version).toBe(2);
    await expect(store.put({ kind: k, id: 'i', data: 'stale' }, { expectedVersion: 1 })).rejects.toMatchObject({ expected: 1 });
    expect(await store.get(k, 'i')).toMatchObject({ data: 'v2', version: 2 });
  });

  it('refuses an expected version when the item does not exist', async () => {
    await expect(store.put({ kind: kind(), id: 'i', data: 1 }, { expectedVersion: 1 })).rejects.toBeInstanceOf(ConditionFailedError);
  });

  it('reads an item as absent from its expiresAt on', async () => {
    const k = kind();
    await store.put({ kind: k, id: 'i', data: 1, expiresAt: clock.now() + 1_000 });
    clock.advance(999);
    expect(await store.get(k, 'i')).toBeDefined();
    clock.advance(1);
    expect(await store.get(k, 'i')).toBeUndefined();
  });

  it("treats an expired item as absent for conditions: 'absent' holds, its version does not", async () => {
    const k = kind();
    const old = await store.put({ kind: k, id: 'i', data: 'old', expiresAt: clock.now() + 1_000 });
    clock.advance(1_000);
    await expect(store.put({ kind: k, id: 'i', data: 'x' }, { expectedVersion: old.version })).rejects.toBeInstanceOf(ConditionFailedError);
    const fresh = await store.put({ kind: k, id: 'i', data: 'new' }, { expectedVersion: 'absent' });
    expect(await store.get(k, 'i')).toMatchObject({ data: 'new', version: fresh.version });
  });

  it('deletes an item, and deleting an absent item is no error', async () => {
    const k = kind();
    await store.put({ kind: k, id: 'i', data: 1 });
    await store.delete(k, 'i');
    expect(await store.get(k, 'i')).toBeUndefined();
    await expect(store.delete(k, 'i')).resolves.toBeUndefined();
  });

  it('deletes conditionally only at the expected version', async () => {
    const k = kind();
    await store.put({ kind: k, id: 'i', data: 1 });
    await store.put({ kind: k, id: 'i', data: 2 });
    await expect(store.delete(k, 'i', { expectedVersion: 1 })).rejects.toBeInstanceOf(ConditionFailedError);
    expect(await store.get(k, 'i')).toBeDefined();
    await store.delete(k, 'i', { expectedVersion: 2 });
    expect(await store.get(k, 'i')).toBeUndefined();
  });

  it('takes an item once: the first take returns it, the next finds nothing', async () => {
    const k = kind();
    await store.put({ kind: k, id: 'state', data: { verifier: 'v' }, expiresAt: clock.now() + 600_000 });
    expect(await store.take(k, 'state')).toMatchObject({ data: { verifier: 'v' }, version: 1 });
    expect(await store.take(k, 'state')).toBeUndefined();
    expect(await store.get(k, 'state')).toBeUndefined();
  });

  it('does not hand out an expired item on take', async () => {
    const k = kind();
    await store.put({ kind: k, id: 'state', data: 1, expiresAt: clock.now() + 1_000 });
    clock.advance(2_000);
    expect(await store.take(k, 'state')).toBeUndefined();
  });

  it('gives a single-use item to exactly one of 10 concurrent takers', async () => {
    const k = kind();
    await store.put({ kind: k, id: 'state', data: 'once' });
    const results = await Promise.all(Array.from({ length: 10 }, () => store.take(k, 'state')));
    expect(results.filter((r) => r !== undefined)).toHaveLength(1);
  });

  it('lists the live items of one kind ordered by id', async () => {
    const k = kind();
    const other = kind();
    for (const id of ['c', 'a', 'B', 'b', 'é']) await store.put({ kind: k, id, data: id });
    await store.put({ kind: k, id: 'expired', data: 0, expiresAt: clock.now() + 1 });
    await store.put({ kind: other, id: 'x', data: 'x' });
    clock.advance(1);
    const page = await store.list<string>(k);
    expect(page.items.map((item) => item.id)).toEqual(['B', 'a', 'b', 'c', 'é']);
    expect(page.cursor).toBeUndefined();
  });

  it('lists nothing for an unknown kind', async () => {
    expect(await store.list(kind())).toEqual({ items: [] });
  });

  it('pages through a list with limit and cursor, ending without a cursor', async () => {
    const k = kind();
    const ids = Array.from({ length: 7 }, (_, i) => `id-${String(i).padStart(2, '0')}`);
    for (const id of ids) await store.put({ kind: k, id, data: id });
    const pages = await allPages((cursor) => store.list(k, { limit: 3, ...(cursor ? { cursor } : {}) }));
    expect(pages.map((p) => p.items.length)).toEqual([3, 3, 1]);
    expect(pages.flatMap((p) => p.items.map((item) => item.id))).toEqual(ids);
  });

  it('ends with a cursor-less page when the items fill the last page exactly', async () => {
    const k = kind();
    for (const id of ['a', 'b', 'c', 'd']) await store.put({ kind: k, id, data: id });
    const pages = await allPages((cursor) => store.list(k, { limit: 2, ...(cursor ? { cursor } : {}) }));
    expect(pages.map((p) => p.items.length)).toEqual([2, 2]);
  });

  it('refuses a cursor it did not issue and a limit below 1', async () => {
    await expect(store.list(kind(), { cursor: 'not-a-cursor' })).rejects.toBeInstanceOf(InvalidPageRequestError);
    await expect(store.list(kind(), { limit: 0 })).rejects.toBeInstanceOf(InvalidPageRequestError);
    await expect(store.queryDue(kind(), clock.now(), { cursor: 'bm90LWpzb24' })).rejects.toBeInstanceOf(InvalidPageRequestError);
  });

  it('finds the items due by a time, earliest first, leaving out the rest', async () => {
    const k = kind();
    const now = clock.now();
    await store.put({ kind: k, id: 'late', data: 0, dueAt: now + 3_000 });
    await store.put({ kind: k, id: 'first', data: 0, dueAt: now - 5_000 });
    await store.put({ kind: k, id: 'second', data: 0, dueAt: now - 1_000 });
    await store.put({ kind: k, id: 'exactly-now', data: 0, dueAt: now });
    await store.put({ kind: k, id: 'never', data: 0 });
    await store.put({ kind: k, id: 'expired', data: 0, dueAt: now - 9_000, expiresAt: now });
    await store.put({ kind: kind(), id: 'other-kind', data: 0, dueAt: now - 9_000 });
    const page = await store.queryDue(k, now);
    expect(page.items.map((item) => item.id)).toEqual(['first', 'second', 'exactly-now']);
    expect(page.cursor).toBeUndefined();
  });

  it('pages through due items with limit and cursor', async () => {
    const k = kind();
    const now = clock.now();
    const ids = Array.from({ length: 5 }, (_, i) => `due-${i}`);
    for (const [i, id] of ids.entries()) await store.put({ kind: k, id, data: i, dueAt: now - 10_000 + i * 100 });
    const pages = await allPages((cursor) => store.queryDue(k, now, { limit: 2, ...(cursor ? { cursor } : {}) }));
    expect(pages.map((p) => p.items.length)).toEqual([2, 2, 1]);
    expect(pages.flatMap((p) => p.items.map((item) => item.id))).toEqual(ids);
  });

  it('loses no update when 5 concurrent writers increment one counter twice each with conditional puts', async () => {
    const k = kind();
    await store.put({ kind: k, id: 'counter', data: 0 });
    const increment = async () => {
      for (let attempt = 0; attempt < 500; attempt++) {
        const current = (await store.get<number>(k, 'counter'))!;
        try {
          await store.put({ kind: k, id: 'counter', data: current.data + 1 }, { expectedVersion: current.version });
          return;
        } catch (error) {
          if (!(error instanceof ConditionFailedError)) throw error;
        }
      }
      throw new Error('increment never succeeded');
    };
    await Promise.all(
      Array.from({ length: 5 }, async () => {
        await increment();
        await increment();
      }),
    );
    expect(await store.get(k, 'counter')).toMatchObject({ data: 10, version: 11 });
  });
}
