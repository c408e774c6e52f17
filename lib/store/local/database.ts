import { randomInt } from 'node:crypto';
import { chmod } from 'node:fs/promises';
import path from 'node:path';
import { type Database, type Key, open, type RootDatabase } from 'lmdb';
import { prepareDataDirectory } from './data-directory.ts';
import { LegacyDataDirectoryError } from '../errors.ts';
import { pinSecret } from '../../observe/index.ts';
import { loadOrCreateKey } from './key-file.ts';

/** The LMDB environment inside the data directory (`store.mdb`, with `store.mdb-lock` beside it). */
export const DATABASE_FILE = 'store.mdb';
/**
 * How `store.mdb` opens. Without overlapping sync, a commit is on disk before the write lock
 * passes on. lmdb-js's default (the next transaction starts while the last one flushes) let
 * processes writing one environment at once both take one lease far more often, and crash on a
 * corrupted page (scripts/lmdb-lease-race.ts).
 */
export const LMDB_OPTIONS = { noSubdir: true, encoding: 'binary', maxDbs: 4, overlappingSync: false } as const;
/** Tables of the first LMDB format (no revisions): a database holding them is refused. */
const FIRST_FORMAT_TABLES = ['secrets', 'items'];

/** Item keys: [kind, id]. Due-index keys: [kind, dueAt, id]. Values are sealed (sealed.ts). */
export type ItemKey = [kind: string, id: string];
export type DueKey = [kind: string, dueAt: number, id: string];

export interface LocalDatabase {
  readonly file: string;
  readonly key: Buffer;
  /** Secrets and items carry an LMDB version, new and random at every write: what `writeIf` checks. */
  readonly secrets: Database<Buffer, string>;
  readonly items: Database<Buffer, ItemKey>;
  readonly due: Database<Buffer, DueKey>;
  /**
   * Queues `writes` (puts and removes, given `newVersion()`s) to apply only if the entry at `key`
   * in `table` still has the version it was read with (undefined: still absent). LMDB checks it
   * when committing, under the lock every process on the directory shares. Resolves once
   * committed and on disk: true, or false when another write came between (read and decide again).
   * Writes queued in one turn of the event loop commit together; `writes` may nest another `writeIf`.
   */
  writeIf<K extends Key>(table: Database<Buffer, K>, key: K, version: number | undefined, writes: () => void): Promise<boolean>;
}

/**
 * A fresh entry version. Random rather than counted: an entry deleted and written again never
 * gets back a version a writer read before, which a counter restarting at 1 could give it.
 */
export const newVersion = (): number => randomInt(1, 2 ** 48 - 1);

/** One environment per file and process: LMDB must not open the same one twice in a process. */
const opened = new Map<string, Promise<LocalDatabase>>();

/** Opens (creating it on first use) the data directory's database, after checking the directory and its key. */
export function openDatabase(dataDir: string): Promise<LocalDatabase> {
  const file = path.join(dataDir, DATABASE_FILE);
  let database = opened.get(file);
  if (database === undefined) {
    database = openNew(dataDir, file);
    opened.set(file, database);
    // A failed start (a refused directory) is tried again by the next operation.
    database.catch(() => opened.delete(file));
  }
  return database;
}

async function openNew(dataDir: string, file: string): Promise<LocalDatabase> {
  await prepareDataDirectory(dataDir);
  const key = await loadOrCreateKey(dataDir);
  // The key in every form it could be printed in is kept out of every log line.
  for (const form of ['hex', 'base64', 'base64url'] as const) pinSecret(key.toString(form));
  const root: RootDatabase = open({ path: file, ...LMDB_OPTIONS });
  // LMDB creates its files with the umask's mode; the directory is private anyway.
  for (const each of [file, `${file}-lock`]) await chmod(each, 0o600);
  const tables = new Set([...root.getKeys()].map(String));
  if (FIRST_FORMAT_TABLES.some((name) => tables.has(name))) {
    await root.close();
    throw new LegacyDataDirectoryError(dataDir, DATABASE_FILE);
  }
  return {
    file,
    key,
    secrets: root.openDB<Buffer, string>('secret-values', { encoding: 'binary', useVersions: true }),
    items: root.openDB<Buffer, ItemKey>('item-values', { encoding: 'binary', useVersions: true }),
    due: root.openDB<Buffer, DueKey>('due-index', { encoding: 'binary' }),
    async writeIf(table, key, version, writes) {
      const committed = version === undefined ? table.ifNoExists(key, writes) : table.ifVersion(key, version, writes);
      // Asked for at once, `flushed` is the flush of this write's batch, not of a later one.
      const flushed = new Promise((resolve, reject) => void root.flushed.then(resolve, reject));
      const written = await committed;
      await flushed;
      return written;
    },
  };
}
