import type { MetadataStore } from './ports.ts';

const PAGE_SIZE = 100;

/**
 * Every live item's data of a kind, ordered by id, following cursors page by page up to
 * `maxItems` (a bound against runaway reads; items past it are not returned).
 *
 * @example const entries = await listAll<TrustEntry>(metadata, 'trust', 10_000);
 */
export async function listAll<T>(metadata: MetadataStore, kind: string, maxItems: number): Promise<T[]> {
  const all: T[] = [];
  let cursor: string | undefined;
  do {
    const page = await metadata.list<T>(kind, { limit: Math.min(PAGE_SIZE, maxItems - all.length), ...(cursor === undefined ? {} : { cursor }) });
    for (const item of page.items) all.push(item.data);
    cursor = page.cursor;
  } while (cursor !== undefined && all.length < maxItems);
  return all;
}
