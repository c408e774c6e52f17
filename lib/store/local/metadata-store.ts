import * as z from 'zod';
import { ConditionFailedError } from '../errors.ts';
import { isLive } from '../expiry.ts';
import { checkLimit, decodeCursor, pageOf } from '../paging.ts';
import type { ItemWrite, MetadataStore, NewItem, Page, PutCondition, StoredItem } from '../ports.ts';
import type { Clock } from '../../clock.ts';
import { storedItem } from '../stored-item.ts';
import { type ItemKey, type LocalDatabase, newVersion } from './database.ts';
import { readSealed, seal } from './sealed.ts';

/** What one sealed item holds. */
const entrySchema = z.object({ d: z.unknown(), v: z.number().int().positive(), due: z.number().optional(), exp: z.number().optional() });
type Entry = z.infer<typeof entrySchema>;
/** An entry as read, with the LMDB version a write made on it is conditional on. */
type Stored = NonNullable<ReturnType<typeof read>>;
/** What a change decided: its result, and the writes that make it (none: nothing to write). */
interface Decision<R> {
  readonly result: R;
  readonly writes?: () => void;
}
type Decide<R> = (db: LocalDatabase, stored: Stored | undefined, live: Entry | undefined) => Decision<R>;

const listCursor = z.object({ id: z.string() });
const dueCursor = z.object({ dueAt: z.number(), id: z.string() });
/** Above every string and number in LMDB's key order: the open end of a key range. */
const END = Buffer.from([0xff]);

/**
 * The embedded MetadataStore: one sealed entry per item in the database's `items` table, keyed
 * [kind, id] so a kind lists in id order, and a `due` table keyed [kind, dueAt, id] for queryDue.
 * A write reads the item, decides, and queues its writes conditional on the item being unchanged
 * (database.ts `writeIf`); when another write came between, it reads and decides again.
 */
export function createLocalMetadataStore(database: () => Promise<LocalDatabase>, clock: Clock): MetadataStore {
  /** Decides on the item as stored (expired or not) and on the live one, until its writes apply. */
  const change = async <R>(kind: string, id: string, decide: Decide<R>): Promise<R> => {
    const db = await database();
    for (;;) {
      const stored = read(db, kind, id);
      const { result, writes } = decide(db, stored, live(stored?.data, clock));
      if (writes === undefined || (await db.writeIf(db.items, [kind, id], stored?.version, writes))) return result;
    }
  };
  const refuse = (kind: string, id: string, condition: PutCondition) => new ConditionFailedError(kind, id, condition.expectedVersion);

  return {
    async get<T>(kind: string, id: string) {
      const entry = live(read(await database(), kind, id)?.data, clock);
      return entry && itemOf<T>(kind, id, entry);
    },

    async put<T>(item: NewItem<T>, condition?: PutCondition) {
      const { kind, id } = item;
      const version = await change(kind, id, (db, stored, current) => putItem(db, stored, current, { item, condition }));
      if (version === undefined) throw refuse(kind, id, condition ?? { expectedVersion: 'absent' });
      return storedItem(item, version);
    },

    async delete(kind, id, condition) {
      const deleted = await change(kind, id, (db, stored, current) =>
        condition !== undefined && !holds(condition, current) ? { result: false } : { result: true, writes: stored && remove(db, kind, id, stored.data) },
      );
      if (!deleted && condition !== undefined) throw refuse(kind, id, condition);
    },

    async take<T>(kind: string, id: string) {
      const taken = await change(kind, id, (db, stored, current) => ({ result: current, writes: stored && remove(db, kind, id, stored.data) }));
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
      const entry = read(db, kind, id)?.data;
      if (entry !== undefined && isLive(entry.exp, now)) items.push(itemOf<T>(kind, id, entry));
    }
    return pageOf(items, limit, position);
  }
}

/**
 * Queues the item of `write` if its condition holds for the live item, conditional on the item
 * being unchanged since read; called inside the local SecretStore's conditional write, so it
 * goes into that commit. `version` is the item's new version (undefined: the condition does not
 * hold, nothing queued); `written` resolves false if the item changed meanwhile.
 */
export function queueItemWrite<T>(db: LocalDatabase, clock: Clock, write: ItemWrite<T>): { version: number | undefined; written?: Promise<boolean> } {
  const { kind, id } = write.item;
  const stored = read(db, kind, id);
  const { result, writes } = putItem(db, stored, live(stored?.data, clock), write);
  return { version: result, written: writes && db.writeIf(db.items, [kind, id], stored?.version, writes) };
}

function putItem<T>(db: LocalDatabase, stored: Stored | undefined, current: Entry | undefined, write: ItemWrite<T>): Decision<number | undefined> {
  const { item, condition } = write;
  const { kind, id } = item;
  if (condition !== undefined && !holds(condition, current)) return { result: undefined };
  const entry: Entry = { d: item.data, v: (stored?.data.v ?? 0) + 1, due: item.dueAt, exp: item.expiresAt };
  const sealed = seal(db.key, associated(kind, id), JSON.stringify(entry));
  const before = stored?.data.due;
  const writes = () => {
    if (before !== undefined) void db.due.remove([kind, before, id]);
    void db.items.put([kind, id], sealed, newVersion());
    if (entry.due !== undefined) void db.due.put([kind, entry.due, id], Buffer.alloc(0));
  };
  return { result: entry.v, writes };
}

/**
 * Deletes the items that have expired (DynamoDB's TTL does the same on AWS). Entries that cannot
 * be read are left for the operation that reaches them to report.
 */
export async function deleteExpired(db: LocalDatabase, clock: Clock): Promise<void> {
  const expired = [...(db.items.getKeys() as Iterable<ItemKey>)].flatMap(([kind, id]) => {
    const stored = readable(db, kind, id);
    return stored !== undefined && live(stored.data, clock) === undefined ? [{ kind, id, stored }] : [];
  });
  // Queued in one turn: one commit. An item written again meanwhile is left as it now is.
  await Promise.all(expired.map(({ kind, id, stored }) => db.writeIf(db.items, [kind, id], stored.version, remove(db, kind, id, stored.data))));
}

function readable(db: LocalDatabase, kind: string, id: string): Stored | undefined {
  try {
    return read(db, kind, id);
  } catch {
    return undefined;
  }
}

function read(db: LocalDatabase, kind: string, id: string) {
  return readSealed(db, db.items, [kind, id], associated(kind, id), entrySchema);
}

const live = (entry: Entry | undefined, clock: Clock): Entry | undefined => (entry && isLive(entry.exp, clock.now()) ? entry : undefined);

/** The writes that remove the item and its due-index key. */
function remove(db: LocalDatabase, kind: string, id: string, { due }: Entry): () => void {
  return () => {
    void db.items.remove([kind, id]);
    if (due !== undefined) void db.due.remove([kind, due, id]);
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
