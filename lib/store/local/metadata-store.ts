import * as z from 'zod';
import { ConditionFailedError, StoreCorruptedError } from '../errors.ts';
import { isLive } from '../expiry.ts';
import { checkLimit, decodeCursor, pageOf } from '../paging.ts';
import type { MetadataStore, NewItem, Page, PutCondition, StoredItem } from '../ports.ts';
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

export interface LocalMetadataOptions {
  readonly clock: Clock;
  /** Whether a write resolves only once on disk (false: once visible to every process). */
  readonly durable: boolean;
}

/**
 * The embedded MetadataStore: one sealed entry per item in the database's `items` table, keyed
 * [kind, id] so a kind lists in id order, and a `due` table keyed [kind, dueAt, id] for queryDue.
 * Conditions are checked and writes made in one write transaction.
 */
export function createLocalMetadataStore(database: () => Promise<LocalDatabase>, { clock, durable }: LocalMetadataOptions): MetadataStore {
  /** Applies `change` to the item as stored (expired or not) and to the live one. */
  const change = async <R>(kind: string, id: string, apply: (db: LocalDatabase, stored: Entry | undefined, live: Entry | undefined) => R): Promise<R> => {
    const db = await database();
    return db.write(
      () => {
        const stored = read(db, kind, id);
        return apply(db, stored, stored && isLive(stored.exp, clock.now()) ? stored : undefined);
      },
      { durable },
    );
  };
  const refuse = (kind: string, id: string, condition: PutCondition) => new ConditionFailedError(kind, id, condition.expectedVersion);

  return {
    async get<T>(kind: string, id: string) {
      const entry = read(await database(), kind, id);
      return entry && isLive(entry.exp, clock.now()) ? itemOf<T>(kind, id, entry) : undefined;
    },

    async put<T>(item: NewItem<T>, condition?: PutCondition) {
      const { kind, id } = item;
      const version = await change(kind, id, (db, stored, live) => {
        if (condition !== undefined && !holds(condition, live)) return undefined;
        const entry: Entry = { d: item.data, v: (stored?.v ?? 0) + 1, due: item.dueAt, exp: item.expiresAt };
        remove(db, kind, id, stored);
        void db.items.put([kind, id], seal(db.key, associated(kind, id), JSON.stringify(entry)));
        if (entry.due !== undefined) void db.due.put([kind, entry.due, id], Buffer.alloc(0));
        return entry.v;
      });
      if (version === undefined) throw refuse(kind, id, condition ?? { expectedVersion: 'absent' });
      return storedItem(item, version);
    },

    async delete(kind, id, condition) {
      const deleted = await change(kind, id, (db, stored, live) => {
        if (condition !== undefined && !holds(condition, live)) return false;
        remove(db, kind, id, stored);
        return true;
      });
      if (!deleted && condition !== undefined) throw refuse(kind, id, condition);
    },

    async take<T>(kind: string, id: string) {
      const taken = await change(kind, id, (db, stored, live) => {
        remove(db, kind, id, stored);
        return live;
      });
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
 * Deletes the items that have expired (DynamoDB's TTL does the same on AWS). Entries that cannot
 * be read are left for the operation that reaches them to report.
 */
export async function deleteExpired(db: LocalDatabase, clock: Clock): Promise<void> {
  const expired = (): [string, string, Entry][] => {
    const found: [string, string, Entry][] = [];
    for (const [kind, id] of db.items.getKeys() as Iterable<ItemKey>) {
      const entry = readable(db, kind, id);
      if (entry !== undefined && !isLive(entry.exp, clock.now())) found.push([kind, id, entry]);
    }
    return found;
  };
  if (expired().length === 0) return;
  await db.write(
    () => {
      for (const [kind, id, entry] of expired()) remove(db, kind, id, entry);
    },
    { durable: false },
  );
}

function readable(db: LocalDatabase, kind: string, id: string): Entry | undefined {
  try {
    return read(db, kind, id);
  } catch {
    return undefined;
  }
}

function read(db: LocalDatabase, kind: string, id: string): Entry | undefined {
  const sealed = db.items.get([kind, id]);
  if (sealed === undefined) return undefined;
  const parsed = entrySchema.safeParse(JSON.parse(unseal(db.key, associated(kind, id), sealed, db.file)));
  if (!parsed.success) throw new StoreCorruptedError(db.file, { cause: parsed.error });
  return parsed.data;
}

/** Removes the item and its due-index key, inside the caller's write transaction. */
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
