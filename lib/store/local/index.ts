import path from 'node:path';
import { createLeaseStore } from '../lease.ts';
import type { Clock, LeaseStore, MetadataStore, SecretStore } from '../ports.ts';
import { DEFAULT_LOCK_OPTIONS, type LockOptions } from './file-lock.ts';
import { loadOrCreateKey } from './key-file.ts';
import { createLocalMetadataStore } from './metadata-store.ts';
import { createLocalSecretStore } from './secret-store.ts';

export { KEY_FILE } from './key-file.ts';
export type { LockOptions } from './file-lock.ts';

export interface LocalStoresOptions {
  /** The data directory (created with mode 0700): `secret.key`, `secrets/`, `metadata/`. */
  readonly dataDir: string;
  readonly clock: Clock;
  /** Cross-process lock waits; the defaults suit everything but tests of the lock itself. */
  readonly lock?: Partial<LockOptions>;
}

export interface LocalStores {
  readonly secrets: SecretStore;
  readonly metadata: MetadataStore;
  readonly leases: LeaseStore;
}

/**
 * The embedded stores under one data directory, safe to share between the server and the CLI.
 *
 * @example const { secrets, metadata, leases } = createLocalStores({ dataDir: '.trustline', clock: systemClock });
 */
export function createLocalStores(options: LocalStoresOptions): LocalStores {
  const dataDir = path.resolve(options.dataDir);
  const lock: LockOptions = { ...DEFAULT_LOCK_OPTIONS, ...options.lock };
  let keyPromise: Promise<Buffer> | undefined;
  const key = () => {
    keyPromise ??= loadOrCreateKey(dataDir).catch((error: unknown) => {
      keyPromise = undefined;
      throw error;
    });
    return keyPromise;
  };
  const secrets = createLocalSecretStore({ directory: path.join(dataDir, 'secrets'), key, lock });
  const metadata = createLocalMetadataStore({ directory: path.join(dataDir, 'metadata'), key, clock: options.clock, lock });
  return { secrets, metadata, leases: createLeaseStore(metadata, options.clock) };
}
