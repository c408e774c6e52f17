import * as z from 'zod';
import { ConditionFailedError, StoreCorruptedError } from '../errors.ts';
import { isLive } from '../expiry.ts';
import { checkLimit, decodeCursor, pageOf } from '../paging.ts';
import type { ItemWrite, MetadataStore, NewItem, Page, PutCondition, StoredItem } from '../ports.ts';
import type { Clock } from '../../clock.ts';
import { storedItem } from '../stored-item.ts';
import { ifRevision, type ItemKey, type LocalDatabase, newRevision } from './database.ts';
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

/** An item as read: its entry (undefined when absent) and the revision a write of it is conditional on. */
interface Stored {
  readonly entry: Entry | undefined;
  readonly revision: number | undefined;
}

/** What a change does with the item it read: the writes to make (none: nothing to commit) and the result. */
interface Decision<R> {
  readonly result: R;
  readonly writes?: () => void;
}

/**
 * The embedded MetadataStore: one sealed entry per item in the database's `items` table, keyed
 * [kind, id] so a kind lists in id order, and a `due` table keyed [kind, dueAt, id] for queryDue.
 * A write reads the item, decides, and commits only if the item still has the revision it read
 * (LMDB checks that inside the write transaction); otherwise it reads again and decides again.
 */
export function createLocalMetadataStore(database: () => Promise<LocalDatabase>, { clock, durable }: LocalMetadataOptions): MetadataStore {
  /** Applies `decide` to the item as stored (expired or not) and to the live one. */
  const change = async <R>(kind: string, id: string, decide: (db: LocalDatabase, stored: Stored, live: Entry | undefined) => Decision<R>): Promise<R> => {
    const db = await database();
    for (;;) {
      // A fresh snapshot: the one this turn of the event loop reads may predate another process's commit.
      db.items.resetReadTxn();
      const stored = read(db, kind, id);
      const { entry } = stored;
      const { result, writes } = decide(db, stored, entry && isLive(entry.exp, clock.now()) ? entry : undefined);
      if (writes === undefined) return result;
      if (await db.commit(() => ifRevision(db.items, [kind, id], stored.revision, writes), { durable })) return result;
    }
  };
  const refuse = (kind: string, id: string, condition: PutCondition) => new ConditionFailedError(kind, id, condition.expectedVersion);

  return {
    async get<T>(kind: string, id: string) {
      const { entry } = read(await database(), kind, id);
      return entry && isLive(entry.exp, clock.now()) ? itemOf<T>(kind, id, entry) : undefined;
    },

    async put<T>(item: NewItem<T>, condition?: PutCondition) {
      const { kind, id } = item;
      const version = await change(kind, id, (db, stored, live) => putDecision(db, stored, live, { item, condition }));
      if (version === undefined) throw refuse(kind, id, condition ?? { expectedVersion: 'absent' });
      return storedItem(item, version);
    },

    async delete(kind, id, condition) {
      const deleted = await change(kind, id, (db, stored, live) => {
        if (condition !== undefined && !holds(condition, live)) return { result: false };
        return { result: true, writes: removal(db, kind, id, stored.entry) };
      });
      if (!deleted && condition !== undefined) throw refuse(kind, id, condition);
    },

    async take<T>(kind: string, id: string) {
      const taken = await change(kind, id, (db, stored, live) => ({ result: live, writes: removal(db, kind, id, stored.entry) }));
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
      const { entry } = read(db, kind, id);
      if (entry !== undefined && isLive(entry.exp, now)) items.push(itemOf<T>(kind, id, entry));
    }
    return pageOf(items, limit, position);
  }
}

/** An item put ready to go inside another conditional write (the local SecretStore's `putWithItem`). */
export interface PreparedItemPut {
  /** The version the item has once written. */
  readonly version: number;
  /** Queues the write, conditional on the item still having the revision read; resolves with whether it did, once committed. */
  readonly queue: () => Promise<boolean>;
}

/**
 * Reads the item of `write` in the current read snapshot and prepares its put; undefined when
 * `write.condition` does not hold for the live item.
 */
export function prepareItemPut<T>(db: LocalDatabase, clock: Clock, write: ItemWrite<T>): PreparedItemPut | undefined {
  const { kind, id } = write.item;
  const stored = read(db, kind, id);
  const { entry } = stored;
  const { result, writes } = putDecision(db, stored, entry && isLive(entry.exp, clock.now()) ? entry : undefined, write);
  if (result === undefined || writes === undefined) return undefined;
  return { version: result, queue: () => ifRevision(db.items, [kind, id], stored.revision, writes) };
}

/** A put of the item as stored and live: its new version and writes, or no writes when the condition does not hold. */
function putDecision<T>(db: LocalDatabase, stored: Stored, live: Entry | undefined, { item, condition }: ItemWrite<T>): Decision<number | undefined> {
  const { kind, id } = item;
  if (condition !== undefined && !holds(condition, live)) return { result: undefined };
  const entry: Entry = { d: item.data, v: (stored.entry?.v ?? 0) + 1, due: item.dueAt, exp: item.expiresAt };
  const sealed = seal(db.key, associated(kind, id), JSON.stringify(entry));
  const writes = () => {
    removal(db, kind, id, stored.entry)?.();
    void db.items.put([kind, id], sealed, newRevision());
    if (entry.due !== undefined) void db.due.put([kind, entry.due, id], Buffer.alloc(0));
  };
  return { result: entry.v, writes };
}

/**
 * Deletes the items that have expired (DynamoDB's TTL does the same on AWS). Entries that cannot
 * be read are left for the operation that reaches them to report.
 */
export async function deleteExpired(db: LocalDatabase, clock: Clock): Promise<void> {
  const removals: Promise<boolean>[] = [];
  for (const [kind, id] of db.items.getKeys() as Iterable<ItemKey>) {
    const { entry, revision } = readable(db, kind, id);
    const writes = removal(db, kind, id, entry);
    // Conditional on the revision read: an item written meanwhile is no longer the expired one.
    if (writes !== undefined && revision !== undefined && !isLive(entry?.exp, clock.now())) {
      removals.push(db.commit(() => ifRevision(db.items, [kind, id], revision, writes), { durable: false }));
    }
  }
  await Promise.all(removals);
}

function readable(db: LocalDatabase, kind: string, id: string): Stored {
  try {
    return read(db, kind, id);
  } catch {
    return { entry: undefined, revision: undefined };
  }
}

function read(db: LocalDatabase, kind: string, id: string): Stored {
  const found = db.items.getEntry([kind, id]);
  if (found === undefined) return { entry: undefined, revision: undefined };
  const parsed = entrySchema.safeParse(JSON.parse(unseal(db.key, associated(kind, id), found.value, db.file)));
  if (!parsed.success) throw new StoreCorruptedError(db.file, { cause: parsed.error });
  return { entry: parsed.data, revision: found.version };
}

/** The writes (for the caller's conditional write) that remove the item and its due-index key; none when there is no item. */
function removal(db: LocalDatabase, kind: string, id: string, stored: Entry | undefined): (() => void) | undefined {
  if (stored === undefined) return undefined;
  return () => {
    void db.items.remove([kind, id]);
    if (stored.due !== undefined) void db.due.remove([kind, stored.due, id]);
  };
}

function holds(condition: PutCondition, live: Entry | undefined): boolean {
  const expected = condition.expectedVersion;
  return expected === 'absent' ? live === undefined : live?.v === expected;
}

const associated = (kind: string, id: string) => `item:${JSON.stringify([kind, id])}`;

function itemOf<T>(kind: string, id: string, entry: Entry): StoredItem<T> {
  return storedItem({ kind, id, data: entry.d as T, dueAt: entry.due, expiresAt: entry.exp }, entry.v);
}
