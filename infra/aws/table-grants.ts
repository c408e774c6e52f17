import type { TableAccess, TableLevel } from '../../functions/manifest.ts';
import { type ItemSetName, tableItemSets } from '../../functions/table-items.ts';

/** What a function may do in the table, derived from the stores its manifest entry names. */
export interface TableGrant {
  /** Kinds it may read: those of every store it names. */
  readonly read: readonly string[];
  /** Kinds it may create and update: those of the stores it writes. */
  readonly write: readonly string[];
  /** Kinds it may delete: those of its `readwrite-delete` stores. */
  readonly delete: readonly string[];
  /** Whether one of its stores queries the `due` index. */
  readonly dueIndex: boolean;
}

/**
 * The item kinds behind a function's table access, sorted and without repeats.
 *
 * @example tableGrant({ trust: 'read' }) // { read: ['trust'], write: [], delete: [], dueIndex: false }
 */
export function tableGrant(access: TableAccess): TableGrant {
  const named = (Object.entries(access) as [ItemSetName, TableLevel | undefined][]).filter(([, level]) => level !== undefined);
  const kindsOf = (entries: typeof named) => [...new Set(entries.flatMap(([store]) => tableItemSets[store].kinds))].sort();
  return {
    read: kindsOf(named),
    write: kindsOf(named.filter(([, level]) => level !== 'read')),
    delete: kindsOf(named.filter(([, level]) => level === 'readwrite-delete')),
    dueIndex: named.some(([store]) => tableItemSets[store].dueIndex === true),
  };
}
