import { randomBytes } from 'node:crypto';
import { chmod } from 'node:fs/promises';
import path from 'node:path';
import { type Database, type Key, open, type RootDatabase } from 'lmdb';
import { prepareDataDirectory } from './data-directory.ts';
import { LegacyDataDirectoryError } from '../errors.ts';
import { pinSecret } from '../../observe/index.ts';
import { loadOrCreateKey } from './key-file.ts';

/** The LMDB environment inside the data directory (`store.mdb`, with `store.mdb-lock` beside it). */
export const DATABASE_FILE = 'store.mdb';
/** Tables of the first LMDB format (no revisions): a database holding them is refused. */
const FIRST_FORMAT_TABLES = ['secrets', 'items'];

/** Item keys: [kind, id]. Due-index keys: [kind, dueAt, id]. Values are sealed (sealed.ts). */
export type ItemKey = [kind: string, id: string];
export type DueKey = [kind: string, dueAt: number, id: string];

export interface LocalDatabase {
  readonly file: string;
  readonly key: Buffer;
  /** Secrets and items carry LMDB versions: a fresh revision (`newRevision`) per write, the token conditional writes check. */
  readonly secrets: Database<Buffer, string>;
  readonly items: Database<Buffer, ItemKey>;
  readonly due: Database<Buffer, DueKey>;
  /**
   * Queues the writes `queue` makes — a conditional write (`ifRevision`) checked inside the write
   * transaction, under the lock every process on the directory shares — and resolves with
   * whether its condition held, once committed (visible to every process) and, with `durable`,
   * flushed to disk. The writes of one turn of the event loop commit together.
   */
  commit(queue: () => Promise<boolean>, options: { durable: boolean }): Promise<boolean>;
}

/**
 * Makes `writes` in a write transaction if the entry at `key` of `table` still has `revision`
 * (is still absent, when undefined), and resolves with whether it did once committed. The check
 * reads the entry inside the transaction, in JavaScript: lmdb-js's own conditional writes
 * (`ifVersion`, `ifNoExists`), checked by its writer thread, were seen to let two processes
 * racing on a new directory both create the same lease, and to refuse a revision a fresh read
 * still showed, again and again. Inside another transaction (a nested write) it runs at once.
 */
export function ifRevision<K extends Key>(table: Database<Buffer, K>, key: K, revision: number | undefined, writes: () => void): Promise<boolean> {
  return Promise.resolve(
    table.transaction(() => {
      if (table.getEntry(key)?.version !== revision) return false;
      writes();
      return true;
    }),
  );
}

/** A revision no other write of the entry has: checking it cannot mistake a re-created entry for the one read. */
export const newRevision = (): number => randomBytes(6).readUIntBE(0, 6);

/** Which environment of the data directory to open. */
export interface EnvironmentOptions {
  /** Its file name in the data directory. */
  readonly name: string;
  /**
   * Commits without flushing (LMDB's noSync): a commit is visible to every process and survives
   * a process crash, but an OS crash can leave the file inconsistent — only for data that does
   * not outlive the boot (lease-database.ts).
   */
  readonly noSync: boolean;
}

const STORE: EnvironmentOptions = { name: DATABASE_FILE, noSync: false };

/** One environment per file and process: LMDB must not open the same one twice in a process. */
const opened = new Map<string, Promise<LocalDatabase>>();

/**
 * Opens (creating it on first use) one of the data directory's databases — `store.mdb` unless
 * told otherwise — after checking the directory and its key.
 */
export function openDatabase(dataDir: string, environment: EnvironmentOptions = STORE): Promise<LocalDatabase> {
  const file = path.join(dataDir, environment.name);
  let database = opened.get(file);
  if (database === undefined) {
    database = openNew(dataDir, file, environment.noSync);
    opened.set(file, database);
    // A failed start (a refused directory) is tried again by the next operation.
    database.catch(() => opened.delete(file));
  }
  return database;
}

async function openNew(dataDir: string, file: string, noSync: boolean): Promise<LocalDatabase> {
  await prepareDataDirectory(dataDir);
  const key = pinKey(await loadOrCreateKey(dataDir));
  const root: RootDatabase = open({ path: file, noSubdir: true, encoding: 'binary', maxDbs: 4, noSync });
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
    async commit(queue, { durable }) {
      const committed = queue();
      // Asked for at once, `flushed` is the flush of this write's batch, not of a later one.
      const flushed = durable
        ? new Promise<void>((resolve, reject) => {
            void root.flushed.then(() => {
              resolve();
            }, reject);
          })
        : undefined;
      const held = await committed;
      await flushed;
      return held;
    },
  };
}

/** The key in the forms it could be printed in, kept out of every log line for the life of the process. */
function pinKey(key: Buffer): Buffer {
  pinSecret(key.toString('hex'));
  pinSecret(key.toString('base64'));
  pinSecret(key.toString('base64url'));
  return key;
}
