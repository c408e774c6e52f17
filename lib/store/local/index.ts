import path from 'node:path';
import { createLeaseStore } from '../lease.ts';
import type { LeaseStore, MetadataStore, SecretStore } from '../ports.ts';
import type { Clock } from '../../clock.ts';
import { type LocalDatabase, openDatabase } from './database.ts';
import { createLocalMetadataStore, deleteExpired } from './metadata-store.ts';
import { createLocalSecretStore } from './secret-store.ts';

export { KEY_FILE } from './key-file.ts';
export { DATABASE_FILE } from './database.ts';

export interface LocalStoresOptions {
  /** The data directory (mode 0700): `secret.key` and the database `store.mdb`. */
  readonly dataDir: string;
  readonly clock: Clock;
}

export interface LocalStores {
  readonly secrets: SecretStore;
  readonly metadata: MetadataStore;
  readonly leases: LeaseStore;
  /** Opens the databases now rather than at the first operation, so that a refused directory stops a start. */
  open(): Promise<void>;
}

/**
 * The embedded stores under one data directory: one LMDB database that several processes (the
 * server, the CLI, scripts) share safely, opened at the first operation (or `open()`) after the
 * directory and key checks (data-directory.ts); the items that expired meanwhile are deleted then.
 *
 * @example const { secrets, metadata, leases } = createLocalStores({ dataDir: '.trustline', clock: systemClock });
 */
export function createLocalStores(options: LocalStoresOptions): LocalStores {
  const dataDir = path.resolve(options.dataDir);
  const { clock } = options;
  const database = openedOnce(() => openDatabase(dataDir), clock);
  const metadata = createLocalMetadataStore(database, clock);
  return {
    secrets: createLocalSecretStore(database, clock, metadata),
    metadata,
    // In store.mdb with everything else: an unflushed database of their own (LMDB's noSync) was
    // seen to let two processes both take one lease, whatever the write pattern around the check.
    leases: createLeaseStore(metadata, clock),
    open: async () => {
      await database();
    },
  };
}

/** `open`'s database, opened at the first call, with the items that expired meanwhile deleted; a failed open is tried again. */
function openedOnce(open: () => Promise<LocalDatabase>, clock: Clock): () => Promise<LocalDatabase> {
  let ready: Promise<LocalDatabase> | undefined;
  return () => {
    ready ??= open()
      .then(async (db) => (await deleteExpired(db, clock), db))
      .catch((error: unknown) => {
        ready = undefined;
        throw error;
      });
    return ready;
  };
}
