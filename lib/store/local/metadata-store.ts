import * as z from 'zod';
import { ConditionFailedError } from '../errors.ts';
import { isLive } from '../expiry.ts';
import { checkLimit, compareUtf8, decodeCursor, pageOf } from '../paging.ts';
import type { Clock, MetadataStore, NewItem, Page, PutCondition, StoredItem, WriteOptions } from '../ports.ts';
import { storedItem } from '../stored-item.ts';
import type { LockOptions } from './file-lock.ts';
import { slotOf } from './log-frame.ts';
import { type Compactable, type LogState, RecordLog } from './record-log.ts';

export interface LocalMetadataStoreOptions {
  /** Directory holding the store's log (`metadata.<generation>.log`). */
  readonly directory: string;
  readonly key: () => Promise<Buffer>;
  readonly clock: Clock;
  readonly lock: LockOptions;
  /** See RecordLogOptions.compactAfter. */
  readonly compactAfter?: number;
}

const condition = z.union([z.number(), z.literal('absent')]).optional();
/** Log records. `d` is the item's data as JSON text; `n` is the writer's clock, which decides liveness. */
const recordSchema = z.discriminatedUnion('o', [
  z.object({ o: z.literal('put'), k: z.string(), i: z.string(), d: z.string(), due: z.number().optional(), exp: z.number().optional(), c: condition, n: z.number() }),
  z.object({ o: z.literal('delete'), k: z.string(), i: z.string(), c: condition, n: z.number() }),
  z.object({ o: z.literal('take'), k: z.string(), i: z.string(), n: z.number() }),
  z.object({ o: z.literal('set'), k: z.string(), i: z.string(), d: z.string(), v: z.number().int().positive(), due: z.number().optional(), exp: z.number().optional() }),
]);
type MetadataRecord = z.infer<typeof recordSchema>;

/** An item as held in memory; `data` stays JSON text so every read hands out a fresh copy. */
interface Entry {
  readonly id: string;
  readonly data: string;
  readonly version: number;
  readonly dueAt?: number;
  readonly expiresAt?: number;
}

const listCursor = z.object({ id: z.string() });
const dueCursor = z.object({ dueAt: z.number(), id: z.string() });
/** Outcome of a record whose condition did not hold. */
const REFUSED = Symbol('refused');

/**
 * The embedded MetadataStore: items live in memory, rebuilt from the data directory's metadata
 * log (record-log.ts), which every process on the directory shares. Reads catch up with the log
 * first; writes append a record whose condition the log's order decides.
 */
export function createLocalMetadataStore(options: LocalMetadataStoreOptions): MetadataStore & Compactable {
  const { clock } = options;
  const state = new MetadataState();
  const log = new RecordLog<MetadataRecord>({ ...options, name: 'metadata', state });

  const entryOf = async (kind: string, id: string): Promise<Entry | undefined> => {
    await log.read();
    log.assertSound(() => itemSlot(kind, id));
    const entry = state.entry(kind, id);
    return entry && isLive(entry.expiresAt, clock.now()) ? entry : undefined;
  };

  /** Live entries of a kind that pass `keep` (entries stay unparsed until they are handed out). */
  const liveEntries = async (kind: string, keep: (entry: Entry) => boolean): Promise<Entry[]> => {
    await log.read();
    log.assertSound();
    const now = clock.now();
    return state.entries(kind).filter((entry) => isLive(entry.expiresAt, now) && keep(entry));
  };
  /** One page of `entries` (already ordered), parsed into items. */
  const page = <T, E extends Entry>(kind: string, entries: E[], limit: number | undefined, position: (last: E) => unknown): Page<T> => {
    const { items, cursor } = pageOf(entries, limit, position);
    return { items: items.map((entry) => itemOf<T>(kind, entry)), ...(cursor === undefined ? {} : { cursor }) };
  };

  return {
    compact: () => log.compact(),

    async get<T>(kind: string, id: string) {
      const entry = await entryOf(kind, id);
      return entry && itemOf<T>(kind, entry);
    },

    async put<T>(item: NewItem<T>, putCondition?: PutCondition, writeOptions?: WriteOptions) {
      const { kind, id, dueAt, expiresAt } = item;
      const record: MetadataRecord = {
        o: 'put',
        k: kind,
        i: id,
        d: JSON.stringify(item.data),
        ...(dueAt === undefined ? {} : { due: dueAt }),
        ...(expiresAt === undefined ? {} : { exp: expiresAt }),
        ...(putCondition === undefined ? {} : { c: putCondition.expectedVersion }),
        n: clock.now(),
      };
      const outcome = await log.append(itemSlot(kind, id), record, writeOptions);
      if (outcome === REFUSED) throw new ConditionFailedError(kind, id, putCondition?.expectedVersion ?? 'absent');
      return storedItem(item, outcome as number);
    },

    async delete(kind, id, deleteCondition) {
      const record: MetadataRecord = { o: 'delete', k: kind, i: id, ...(deleteCondition === undefined ? {} : { c: deleteCondition.expectedVersion }), n: clock.now() };
      const outcome = await log.append(itemSlot(kind, id), record);
      if (outcome === REFUSED) throw new ConditionFailedError(kind, id, deleteCondition?.expectedVersion ?? 'absent');
    },

    async take<T>(kind: string, id: string) {
      const taken = (await log.append(itemSlot(kind, id), { o: 'take', k: kind, i: id, n: clock.now() })) as Entry | undefined;
      return taken && itemOf<T>(kind, taken);
    },

    async list<T>(kind: string, options: { limit?: number; cursor?: string } = {}): Promise<Page<T>> {
      checkLimit(options.limit);
      const after = options.cursor === undefined ? undefined : decodeCursor(options.cursor, listCursor);
      const entries = await liveEntries(kind, (entry) => after === undefined || compareUtf8(entry.id, after.id) > 0);
      entries.sort((a, b) => compareUtf8(a.id, b.id));
      return page<T, Entry>(kind, entries, options.limit, (last) => ({ id: last.id }));
    },

    async queryDue<T>(kind: string, dueBy: number, options: { limit?: number; cursor?: string } = {}): Promise<Page<T>> {
      checkLimit(options.limit);
      const after = options.cursor === undefined ? undefined : decodeCursor(options.cursor, dueCursor);
      const isDue = (entry: Entry): entry is Entry & { dueAt: number } => entry.dueAt !== undefined && entry.dueAt <= dueBy;
      const entries = (await liveEntries(kind, (entry) => isDue(entry) && (after === undefined || compareDue(entry, after) > 0))) as (Entry & {
        dueAt: number;
      })[];
      entries.sort(compareDue);
      return page<T, Entry & { dueAt: number }>(kind, entries, options.limit, (last) => ({ dueAt: last.dueAt, id: last.id }));
    },
  };
}

/** The items of every kind, as the log's records leave them. */
class MetadataState implements LogState<MetadataRecord> {
  private readonly kinds = new Map<string, Map<string, Entry>>();
  private count = 0;

  parse(json: unknown): MetadataRecord {
    return recordSchema.parse(json);
  }

  apply(record: MetadataRecord): unknown {
    const { k: kind, i: id } = record;
    const stored = this.entry(kind, id);
    if (record.o === 'set') {
      this.store(kind, { id, data: record.d, version: record.v, ...due(record), ...expiry(record) });
      return record.v;
    }
    const current = stored && isLive(stored.expiresAt, record.n) ? stored : undefined;
    if (record.o === 'take') {
      if (stored) this.remove(kind, id);
      return current;
    }
    if (!holds(record.c, current)) return REFUSED;
    if (record.o === 'delete') {
      if (stored) this.remove(kind, id);
      return true;
    }
    const version = (stored?.version ?? 0) + 1;
    this.store(kind, { id, data: record.d, version, ...due(record), ...expiry(record) });
    return version;
  }

  *snapshot(at: number): Iterable<readonly [Buffer, MetadataRecord]> {
    for (const [kind, entries] of this.kinds) {
      for (const entry of entries.values()) {
        if (!isLive(entry.expiresAt, at)) continue;
        const { id, data, version, dueAt, expiresAt } = entry;
        const record: MetadataRecord = { o: 'set', k: kind, i: id, d: data, v: version, ...(dueAt === undefined ? {} : { due: dueAt }), ...(expiresAt === undefined ? {} : { exp: expiresAt }) };
        yield [itemSlot(kind, id), record];
      }
    }
  }

  get size(): number {
    return this.count;
  }

  clear(): void {
    this.kinds.clear();
    this.count = 0;
  }

  entry(kind: string, id: string): Entry | undefined {
    return this.kinds.get(kind)?.get(id);
  }

  entries(kind: string): Entry[] {
    return [...(this.kinds.get(kind)?.values() ?? [])];
  }

  private store(kind: string, entry: Entry): void {
    let entries = this.kinds.get(kind);
    if (entries === undefined) {
      entries = new Map();
      this.kinds.set(kind, entries);
    }
    if (!entries.has(entry.id)) this.count++;
    entries.set(entry.id, entry);
  }

  private remove(kind: string, id: string): void {
    if (this.kinds.get(kind)?.delete(id) === true) this.count--;
  }
}

function holds(expected: number | 'absent' | undefined, current: Entry | undefined): boolean {
  if (expected === undefined) return true;
  return expected === 'absent' ? current === undefined : current?.version === expected;
}

const due = (record: { due?: number }) => (record.due === undefined ? {} : { dueAt: record.due });
const expiry = (record: { exp?: number }) => (record.exp === undefined ? {} : { expiresAt: record.exp });

function itemOf<T>(kind: string, entry: Entry): StoredItem<T> {
  return storedItem({ kind, id: entry.id, data: JSON.parse(entry.data) as T, dueAt: entry.dueAt, expiresAt: entry.expiresAt }, entry.version);
}

/** The log slot of an item. */
function itemSlot(kind: string, id: string): Buffer {
  return slotOf(`${kind}\u0000${id}`);
}

function compareDue(a: { dueAt: number; id: string }, b: { dueAt: number; id: string }): number {
  return a.dueAt - b.dueAt || compareUtf8(a.id, b.id);
}
