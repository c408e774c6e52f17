import { readdir } from 'node:fs/promises';
import { setImmediate as nextTurn } from 'node:timers/promises';
import path from 'node:path';
import * as z from 'zod';
import { ConditionFailedError, StoreCorruptedError, StoreLockedError } from '../errors.ts';
import { isLive } from '../expiry.ts';
import { checkLimit, compareUtf8, decodeCursor, pageOf } from '../paging.ts';
import type { Clock, MetadataStore, NewItem, Page, PutCondition, StoredItem } from '../ports.ts';
import { storedItem } from '../stored-item.ts';
import { isErrno } from './atomic-file.ts';
import { type LockOptions, withFileLock } from './file-lock.ts';
import { ITEM_SUFFIX, ItemFiles } from './item-files.ts';

export interface LocalMetadataStoreOptions {
  /** Directory holding the kind directories. */
  readonly directory: string;
  readonly key: () => Promise<Buffer>;
  readonly clock: Clock;
  readonly lock: LockOptions;
}

/** Expired items of a kind are swept by the first put of that kind after this interval. */
const SWEEP_INTERVAL_MS = 60_000;
/** Files read (synchronously, see atomic-file.ts) between two turns of the event loop when listing a kind. */
const READS_PER_TURN = 64;

const listCursor = z.object({ id: z.string() });
const dueCursor = z.object({ dueAt: z.number(), id: z.string() });

/**
 * The embedded MetadataStore: one sealed file per item; every change happens under the item's
 * cross-process lock after re-reading it, so the server and the CLI can share a data directory.
 */
export function createLocalMetadataStore(options: LocalMetadataStoreOptions): MetadataStore {
  const { clock, lock } = options;
  const files = new ItemFiles(options.directory, options.key);
  const lastSweep = new Map<string, number>();

  /** Runs `change` under the item's lock with the item as stored (live or expired). */
  const locked = async <R>(kind: string, id: string, change: (file: string, stored: StoredItem<unknown> | undefined) => Promise<R>) => {
    const file = files.itemFile(kind, id);
    return withFileLock(file, async () => change(file, await files.read(kind, file)), lock);
  };

  const liveItems = async <T>(kind: string): Promise<StoredItem<T>[]> => {
    const now = clock.now();
    const items = await readKind<T>(files, kind);
    return items.filter((item) => isLive(item.expiresAt, now));
  };

  const sweep = async (kind: string): Promise<void> => {
    const now = clock.now();
    if (now - (lastSweep.get(kind) ?? -Infinity) < SWEEP_INTERVAL_MS) return;
    lastSweep.set(kind, now);
    const expired = (await readKind(files, kind, { skipUnreadable: true })).filter((item) => !isLive(item.expiresAt, now));
    for (const item of expired) {
      try {
        await locked(kind, item.id, async (file, stored) => {
          if (stored && !isLive(stored.expiresAt, clock.now())) await files.remove(file);
        });
      } catch (error) {
        // Sweeping is housekeeping: a busy or damaged file is left for the reads that report it.
        if (!(error instanceof StoreLockedError || error instanceof StoreCorruptedError)) throw error;
      }
    }
  };

  return {
    async get<T>(kind: string, id: string) {
      const item = await files.read<T>(kind, files.itemFile(kind, id));
      return item && isLive(item.expiresAt, clock.now()) ? item : undefined;
    },

    async put<T>(item: NewItem<T>, condition?: PutCondition) {
      const written = await locked(item.kind, item.id, async (file, stored) => {
        check(item.kind, item.id, condition, live(stored, clock.now()));
        const next = storedItem(item, (stored?.version ?? 0) + 1);
        await files.write(file, next);
        return next;
      });
      await sweep(item.kind);
      return written;
    },

    async delete(kind, id, condition) {
      await locked(kind, id, async (file, stored) => {
        check(kind, id, condition, live(stored, clock.now()));
        if (stored) await files.remove(file);
      });
    },

    async take<T>(kind: string, id: string) {
      return locked(kind, id, async (file, stored) => {
        if (!stored) return undefined;
        await files.remove(file);
        return live(stored, clock.now()) as StoredItem<T> | undefined;
      });
    },

    async list<T>(kind: string, options: { limit?: number; cursor?: string } = {}): Promise<Page<T>> {
      checkLimit(options.limit);
      const after = options.cursor === undefined ? undefined : decodeCursor(options.cursor, listCursor);
      const items = (await liveItems<T>(kind))
        .filter((item) => after === undefined || compareUtf8(item.id, after.id) > 0)
        .sort((a, b) => compareUtf8(a.id, b.id));
      return pageOf(items, options.limit, (last) => ({ id: last.id }));
    },

    async queryDue<T>(kind: string, dueBy: number, options: { limit?: number; cursor?: string } = {}): Promise<Page<T>> {
      checkLimit(options.limit);
      const after = options.cursor === undefined ? undefined : decodeCursor(options.cursor, dueCursor);
      const due = (await liveItems<T>(kind)).filter(
        (item): item is StoredItem<T> & { dueAt: number } => item.dueAt !== undefined && item.dueAt <= dueBy,
      );
      const items = due
        .filter((item) => after === undefined || compareDue(item, after) > 0)
        .sort(compareDue);
      return pageOf(items, options.limit, (last) => ({ dueAt: last.dueAt, id: last.id }));
    },
  };
}

function live<T>(item: StoredItem<T> | undefined, now: number): StoredItem<T> | undefined {
  return item && isLive(item.expiresAt, now) ? item : undefined;
}

function check(kind: string, id: string, condition: PutCondition | undefined, current: StoredItem<unknown> | undefined): void {
  if (condition === undefined) return;
  const expected = condition.expectedVersion;
  const holds = expected === 'absent' ? current === undefined : current?.version === expected;
  if (!holds) throw new ConditionFailedError(kind, id, expected);
}

function compareDue(a: { dueAt: number; id: string }, b: { dueAt: number; id: string }): number {
  return a.dueAt - b.dueAt || compareUtf8(a.id, b.id);
}

/** Every item of a kind as stored (expired included); items deleted while listing are skipped. */
async function readKind<T>(files: ItemFiles, kind: string, options: { skipUnreadable?: boolean } = {}): Promise<StoredItem<T>[]> {
  const directory = files.kindDirectory(kind);
  let names: string[];
  try {
    names = (await readdir(directory)).filter((name) => name.endsWith(ITEM_SUFFIX));
  } catch (error) {
    if (isErrno(error, 'ENOENT')) return [];
    throw error;
  }
  const items: StoredItem<T>[] = [];
  for (const [index, name] of names.entries()) {
    if (index > 0 && index % READS_PER_TURN === 0) await nextTurn();
    try {
      const item = await files.read<T>(kind, path.join(directory, name));
      if (item) items.push(item);
    } catch (error) {
      if (!(options.skipUnreadable && error instanceof StoreCorruptedError)) throw error;
    }
  }
  return items;
}
