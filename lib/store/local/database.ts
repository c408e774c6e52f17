import { chmod } from 'node:fs/promises';
import path from 'node:path';
import { type Database, open, type RootDatabase } from 'lmdb';
import { prepareDataDirectory } from './data-directory.ts';
import { pinSecret } from '../../observe/index.ts';
import { loadOrCreateKey } from './key-file.ts';

/** The LMDB environment inside the data directory (`store.mdb`, with `store.mdb-lock` beside it). */
export const DATABASE_FILE = 'store.mdb';

/** Item keys: [kind, id]. Due-index keys: [kind, dueAt, id]. Values are sealed (sealed.ts). */
export type ItemKey = [kind: string, id: string];
export type DueKey = [kind: string, dueAt: number, id: string];

export interface LocalDatabase {
  readonly file: string;
  readonly key: Buffer;
  readonly secrets: Database<Buffer, string>;
  readonly items: Database<Buffer, ItemKey>;
  readonly due: Database<Buffer, DueKey>;
  /**
   * Runs `change` in a write transaction — under LMDB's lock, shared by every process on the
   * directory, so what it reads cannot change before it commits — and resolves with its result
   * once committed (visible to every process) and, with `durable`, flushed to disk. The changes
   * made in one turn of the event loop commit together and share one flush.
   */
  write<T>(change: () => T, options: { durable: boolean }): Promise<T>;
}

/** One environment per data directory and process: LMDB must not open the same one twice in a process. */
const opened = new Map<string, Promise<LocalDatabase>>();

/** Opens (creating it on first use) the data directory's database, after checking the directory and its key. */
export function openDatabase(dataDir: string): Promise<LocalDatabase> {
  let database = opened.get(dataDir);
  if (database === undefined) {
    database = openNew(dataDir);
    opened.set(dataDir, database);
    // A failed start (a refused directory) is tried again by the next operation.
    database.catch(() => opened.delete(dataDir));
  }
  return database;
}

async function openNew(dataDir: string): Promise<LocalDatabase> {
  await prepareDataDirectory(dataDir);
  const key = pinKey(await loadOrCreateKey(dataDir));
  const file = path.join(dataDir, DATABASE_FILE);
  const root: RootDatabase = open({ path: file, noSubdir: true, encoding: 'binary', maxDbs: 4 });
  // LMDB creates its files with the umask's mode; the directory is private anyway.
  for (const each of [file, `${file}-lock`]) await chmod(each, 0o600);
  return {
    file,
    key,
    secrets: root.openDB<Buffer, string>('secrets', { encoding: 'binary' }),
    items: root.openDB<Buffer, ItemKey>('items', { encoding: 'binary' }),
    due: root.openDB<Buffer, DueKey>('due', { encoding: 'binary' }),
    async write(change, { durable }) {
      const committed = root.transaction(change);
      // Asked for at once, `flushed` is the flush of this write's batch, not of a later one.
      const flushed = durable
        ? new Promise<void>((resolve, reject) => {
            void root.flushed.then(() => {
              resolve();
            }, reject);
          })
        : undefined;
      const result = await committed;
      await flushed;
      return result;
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
