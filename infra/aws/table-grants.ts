import type { TableAccess } from '../../functions/manifest.ts';
import { type ItemSetName, tableItemSets } from '../../functions/table-items.ts';

/** What a function may do in the table, derived from the stores its manifest entry names. */
export interface TableGrant {
  /** Kinds it may read: those of every store it names. */
  readonly read: readonly string[];
  /** Kinds it may write: those of the stores it names `readwrite`. */
  readonly write: readonly string[];
  /** Whether one of its stores queries the `due` index. */
  readonly dueIndex: boolean;
}

/**
 * The item kinds behind a function's table access, sorted and without repeats.
 *
 * @example tableGrant({ trust: 'read' }) // { read: ['trust'], write: [], dueIndex: false }
 */
export function tableGrant(access: TableAccess): TableGrant {
  const named = (Object.entries(access) as [ItemSetName, 'read' | 'readwrite' | undefined][]).filter(([, level]) => level !== undefined);
  const kindsOf = (entries: typeof named) => [...new Set(entries.flatMap(([store]) => tableItemSets[store].kinds))].sort();
  return {
    read: kindsOf(named),
    write: kindsOf(named.filter(([, level]) => level === 'readwrite')),
    dueIndex: named.some(([store]) => tableItemSets[store].dueIndex === true),
  };
}
