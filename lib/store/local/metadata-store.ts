import * as z from 'zod';
import { ConditionFailedError, StoreCorruptedError } from '../errors.ts';
import { isLive } from '../expiry.ts';
import { checkLimit, decodeCursor, pageOf } from '../paging.ts';
import type { ItemWrite, MetadataStore, NewItem, Page, PutCondition, StoredItem } from '../ports.ts';
import type { Clock } from '../../clock.ts';
import { storedItem } from '../stored-item.ts';
import type { ItemKey, LocalDatabase } from './database.ts';
import { seal, unseal } from './sealed.ts';

/** What one sealed item holds. */
const entrySchema = z.object({ d: z.unknown(), v: z.number().int().positive(), due: z.number().optional(), exp: z.number().optional() });
type Entry = z.infer<typeof entrySchema>;

const listCursor = z.object({ id: z.string() });
const dueCursor = z.object({ dueAt: z.number(), id: z.string() });
/** Above every string and number in LMDB's key order: the open end of a key range. */
const END = Buffer.from([0xff]);

/**
 * The embedded MetadataStore: one sealed entry per item in the database's `items` table, keyed
 * [kind, id] so a kind lists in id order, and a `due` table keyed [kind, dueAt, id] for queryDue.
 * A write reads the item, decides and writes inside one write transaction, which LMDB runs for
 * one process on the directory at a time: no other write comes between the read and the write.
 */
export function createLocalMetadataStore(database: () => Promise<LocalDatabase>, clock: Clock): MetadataStore {
  /** Runs `decide` in a write transaction on the item as stored (expired or not) and on the live one. */
  const change = async <R>(kind: string, id: string, decide: (db: LocalDatabase, stored: Entry | undefined, live: Entry | undefined) => R): Promise<R> => {
    const db = await database();
    return db.write(() => {
      const stored = read(db, kind, id);
      return decide(db, stored, live(stored, clock));
    });
  };
  const refuse = (kind: string, id: string, condition: PutCondition) => new ConditionFailedError(kind, id, condition.expectedVersion);

  return {
    async get<T>(kind: string, id: string) {
      const entry = live(read(await database(), kind, id), clock);
      return entry && itemOf<T>(kind, id, entry);
    },

    async put<T>(item: NewItem<T>, condition?: PutCondition) {
      const { kind, id } = item;
      const version = await change(kind, id, (db, stored, current) => putItem(db, stored, current, { item, condition }));
      if (version === undefined) throw refuse(kind, id, condition ?? { expectedVersion: 'absent' });
      return storedItem(item, version);
    },

    async delete(kind, id, condition) {
      const deleted = await change(kind, id, (db, stored, current) => {
        if (condition !== undefined && !holds(condition, current)) return false;
        remove(db, kind, id, stored);
        return true;
      });
      if (!deleted && condition !== undefined) throw refuse(kind, id, condition);
    },

    async take<T>(kind: string, id: string) {
      const taken = await change(kind, id, (db, stored, current) => (remove(db, kind, id, stored), current));
      return taken && itemOf<T>(kind, id, taken);
    },

    async list<T>(kind: string, options: { limit?: number; cursor?: string } = {}): Promise<Page<T>> {
      checkLimit(options.limit);
      const after = options.cursor === undefined ? undefined : decodeCursor(options.cursor, listCursor);
      const db = await database();
      const ids = db.items.getKeys({ start: after === undefined ? [kind] : [kind, after.id], end: [kind, END] }).map(([, id]) => id);
      return livePage<T>(db, kind, ids, options, after?.id, (last) => ({ id: last.id }));
    },

    async queryDue<T>(kind: string, dueBy: number, options: { limit?: number; cursor?: string } = {}): Promise<Page<T>> {
      checkLimit(options.limit);
      const after = options.cursor === undefined ? undefined : decodeCursor(options.cursor, dueCursor);
      const db = await database();
      const ids = db.due.getKeys({ start: after === undefined ? [kind] : [kind, after.dueAt, after.id], end: [kind, dueBy, END] }).map(([, , id]) => id);
      return livePage<T>(db, kind, ids, options, after?.id, (last) => ({ dueAt: last.dueAt, id: last.id }));
    },
  };

  /**
   * One page of the live items of `ids` (in their order), from after the cursor's `afterId` on
   * (a range starts at the cursor's own key). One item beyond the limit is read to know whether
   * a next page exists.
   */
  function livePage<T>(
    db: LocalDatabase,
    kind: string,
    ids: Iterable<string>,
    { limit }: { limit?: number },
    afterId: string | undefined,
    position: (last: StoredItem<T>) => unknown,
  ): Page<T> {
    const now = clock.now();
    const items: StoredItem<T>[] = [];
    for (const id of ids) {
      if (limit !== undefined && items.length > limit) break;
      if (id === afterId) continue;
      const entry = read(db, kind, id);
      if (entry !== undefined && isLive(entry.exp, now)) items.push(itemOf<T>(kind, id, entry));
    }
    return pageOf(items, limit, position);
  }
}

/**
 * Puts the item of `write` if its condition holds for the live item, inside a write transaction
 * (the local SecretStore's `putWithItem` calls it inside the secret's); returns its new version,
 * or undefined when the condition does not hold (nothing written).
 */
export function putItemInside<T>(db: LocalDatabase, clock: Clock, write: ItemWrite<T>): number | undefined {
  const stored = read(db, write.item.kind, write.item.id);
  return putItem(db, stored, live(stored, clock), write);
}

function putItem<T>(db: LocalDatabase, stored: Entry | undefined, current: Entry | undefined, { item, condition }: ItemWrite<T>): number | undefined {
  const { kind, id } = item;
  if (condition !== undefined && !holds(condition, current)) return undefined;
  const entry: Entry = { d: item.data, v: (stored?.v ?? 0) + 1, due: item.dueAt, exp: item.expiresAt };
  const sealed = seal(db.key, associated(kind, id), JSON.stringify(entry));
  if (stored?.due !== undefined) void db.due.remove([kind, stored.due, id]);
  void db.items.put([kind, id], sealed);
  if (entry.due !== undefined) void db.due.put([kind, entry.due, id], Buffer.alloc(0));
  return entry.v;
}

/**
 * Deletes the items that have expired (DynamoDB's TTL does the same on AWS). Entries that cannot
 * be read are left for the operation that reaches them to report.
 */
export async function deleteExpired(db: LocalDatabase, clock: Clock): Promise<void> {
  await db.write(() => {
    for (const [kind, id] of [...(db.items.getKeys() as Iterable<ItemKey>)]) {
      const entry = readable(db, kind, id);
      if (live(entry, clock) === undefined) remove(db, kind, id, entry);
    }
  });
}

function readable(db: LocalDatabase, kind: string, id: string): Entry | undefined {
  try {
    return read(db, kind, id);
  } catch {
    return undefined;
  }
}

function read(db: LocalDatabase, kind: string, id: string): Entry | undefined {
  const found = db.items.get([kind, id]);
  if (found === undefined) return undefined;
  const parsed = entrySchema.safeParse(JSON.parse(unseal(db.key, associated(kind, id), found, db.file)));
  if (!parsed.success) throw new StoreCorruptedError(db.file, { cause: parsed.error });
  return parsed.data;
}

const live = (entry: Entry | undefined, clock: Clock): Entry | undefined => (entry && isLive(entry.exp, clock.now()) ? entry : undefined);

/** Removes the item and its due-index key, if there is an item. */
function remove(db: LocalDatabase, kind: string, id: string, stored: Entry | undefined): void {
  if (stored === undefined) return;
  void db.items.remove([kind, id]);
  if (stored.due !== undefined) void db.due.remove([kind, stored.due, id]);
}

function holds(condition: PutCondition, live: Entry | undefined): boolean {
  const expected = condition.expectedVersion;
  return expected === 'absent' ? live === undefined : live?.v === expected;
}

const associated = (kind: string, id: string) => `item:${JSON.stringify([kind, id])}`;

function itemOf<T>(kind: string, id: string, entry: Entry): StoredItem<T> {
  return storedItem({ kind, id, data: entry.d as T, dueAt: entry.due, expiresAt: entry.exp }, entry.v);
}
