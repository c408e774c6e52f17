import { ConditionFailedError, InvalidPageRequestError } from '../../../lib/store/errors.ts';
import { checkLimit, compareUtf8 } from '../../../lib/store/paging.ts';
import type { MetadataStore, NewItem, PutCondition, StoredItem } from '../../../lib/store/ports.ts';
import type { Clock } from '../../../lib/clock.ts';
import { systemClock } from '../../../lib/clock.ts';

/** An in-memory MetadataStore with the port's semantics (versions, conditions, TTL, paging). */
export function memoryMetadata(clock: Clock = systemClock): MetadataStore {
  const items = new Map<string, StoredItem<unknown>>();
  const key = (kind: string, id: string) => `${kind}\u0000${id}`;
  const live = (item: StoredItem<unknown> | undefined) =>
    item !== undefined && (item.expiresAt === undefined || item.expiresAt > clock.now()) ? item : undefined;
  const check = (kind: string, id: string, condition?: PutCondition) => {
    if (condition === undefined) return;
    const current = live(items.get(key(kind, id)));
    const ok = condition.expectedVersion === 'absent' ? current === undefined : current?.version === condition.expectedVersion;
    if (!ok) throw new ConditionFailedError(kind, id, condition.expectedVersion);
  };
  const page = <T>(all: StoredItem<unknown>[], options?: { limit?: number; cursor?: string }) => {
    checkLimit(options?.limit);
    const start = options?.cursor === undefined ? 0 : Number(options.cursor);
    if (!Number.isSafeInteger(start) || start < 0) throw new InvalidPageRequestError('the cursor was not issued by this store');
    const limit = options?.limit ?? 100;
    const slice = all.slice(start, start + limit) as StoredItem<T>[];
    return start + limit < all.length ? { items: slice, cursor: String(start + limit) } : { items: slice };
  };
  const ofKind = (kind: string) => [...items.values()].filter((item) => item.kind === kind && live(item) !== undefined).sort((a, b) => compareUtf8(a.id, b.id));
  return {
    // Every method is async so that a failed condition rejects, as the real adapters do.
    get: async <T>(kind: string, id: string) => Promise.resolve(live(items.get(key(kind, id))) as StoredItem<T> | undefined),
    async put<T>(item: NewItem<T>, condition?: PutCondition) {
      check(item.kind, item.id, condition);
      const previous = live(items.get(key(item.kind, item.id)));
      const stored: StoredItem<T> = { ...item, version: (previous?.version ?? 0) + 1 };
      items.set(key(item.kind, item.id), stored);
      return Promise.resolve(stored);
    },
    async delete(kind, id, condition) {
      check(kind, id, condition);
      items.delete(key(kind, id));
      return Promise.resolve();
    },
    async take<T>(kind: string, id: string) {
      const item = live(items.get(key(kind, id)));
      items.delete(key(kind, id));
      return Promise.resolve(item as StoredItem<T> | undefined);
    },
    list: async <T>(kind: string, options?: { limit?: number; cursor?: string }) => Promise.resolve(page<T>(ofKind(kind), options)),
    queryDue: async <T>(kind: string, dueBy: number, options?: { limit?: number; cursor?: string }) =>
      Promise.resolve(
        page<T>(
          ofKind(kind)
            .filter((item) => item.dueAt !== undefined && item.dueAt <= dueBy)
            .sort((a, b) => (a.dueAt ?? 0) - (b.dueAt ?? 0)),
          options,
        ),
      ),
  };
}
