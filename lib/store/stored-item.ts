import type { NewItem, StoredItem } from './ports.ts';

/** `item` stored at `version`, without absent optional fields: the shape every adapter returns. */
export function storedItem<T>(item: NewItem<T>, version: number): StoredItem<T> {
  const { kind, id, data, dueAt, expiresAt } = item;
  return {
    kind,
    id,
    data,
    version,
    ...(dueAt === undefined ? {} : { dueAt }),
    ...(expiresAt === undefined ? {} : { expiresAt }),
  };
}
