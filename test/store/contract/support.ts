import { randomUUID } from 'node:crypto';
import type { Page } from '../../../lib/store/ports.ts';
import type { ManualClock } from '../../support/manual-clock.ts';

/** Builds the adapter under test on a clock the test controls. */
export type Factory<S> = (clock: ManualClock) => S | Promise<S>;

/** A name no other test uses, so tests can share one table or directory. */
export const unique = (prefix: string) => `${prefix}-${randomUUID().slice(0, 8)}`;

/** Follows cursors to the end (at most `maxPages`), returning every page. */
export async function allPages<T>(fetch: (cursor?: string) => Promise<Page<T>>, maxPages = 50): Promise<Page<T>[]> {
  const pages: Page<T>[] = [];
  let cursor: string | undefined;
  for (let i = 0; i < maxPages; i++) {
    const page = await fetch(cursor);
    pages.push(page);
    cursor = page.cursor;
    if (cursor === undefined) return pages;
  }
  throw new Error(`no last page after ${maxPages} pages`);
}
