import { pinSecret } from '../../observe/redact.ts';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { LegacyDataDirectoryError } from '../errors.ts';
import { createLeaseStore } from '../lease.ts';
import type { Clock, LeaseStore, MetadataStore, SecretStore } from '../ports.ts';
import { DEFAULT_LOCK_OPTIONS, type LockOptions } from './file-lock.ts';
import { loadOrCreateKey } from './key-file.ts';
import { createLocalMetadataStore } from './metadata-store.ts';
import { createLocalSecretStore } from './secret-store.ts';

export { KEY_FILE } from './key-file.ts';
export type { LockOptions } from './file-lock.ts';

export interface LocalStoresOptions {
  /** The data directory (created with mode 0700): `secret.key` and the store logs `secrets.*.log`, `metadata.*.log`. */
  readonly dataDir: string;
  readonly clock: Clock;
  /** Cross-process lock waits; the defaults suit everything but tests of the lock itself. */
  readonly lock?: Partial<LockOptions>;
  /** Records a log may hold beyond four per live entry before it is compacted (default 20,000). */
  readonly compactAfter?: number;
}

export interface LocalStores {
  readonly secrets: SecretStore;
  readonly metadata: MetadataStore;
  readonly leases: LeaseStore;
  /** Rewrites both logs now, keeping only live entries (it also happens by itself as they grow). */
  compact(): Promise<void>;
}

/**
 * The embedded stores under one data directory, safe to share between processes (the server,
 * the CLI, scripts): each store is an append-only log (record-log.ts) that every process reads.
 *
 * @example const { secrets, metadata, leases } = createLocalStores({ dataDir: '.trustline', clock: systemClock });
 */
export function createLocalStores(options: LocalStoresOptions): LocalStores {
  const dataDir = path.resolve(options.dataDir);
  const lock: LockOptions = { ...DEFAULT_LOCK_OPTIONS, ...options.lock };
  let keyPromise: Promise<Buffer> | undefined;
  const key = () => {
    keyPromise ??= refuseLegacyLayout(dataDir).then(() => loadOrCreateKey(dataDir)).then(pinKey).catch((error: unknown) => {
      keyPromise = undefined;
      throw error;
    });
    return keyPromise;
  };
  const common = { directory: dataDir, key, clock: options.clock, lock, ...(options.compactAfter === undefined ? {} : { compactAfter: options.compactAfter }) };
  const secrets = createLocalSecretStore(common);
  const metadata = createLocalMetadataStore(common);
  return {
    secrets,
    metadata,
    leases: createLeaseStore(metadata, options.clock),
    compact: async () => {
      await secrets.compact();
      await metadata.compact();
    },
  };
}

/** A data directory of the earlier format is refused rather than read as empty. */
async function refuseLegacyLayout(dataDir: string): Promise<void> {
  for (const folder of ['metadata', 'secrets']) {
    const info = await stat(path.join(dataDir, folder)).catch(() => undefined);
    if (info?.isDirectory() === true) throw new LegacyDataDirectoryError(dataDir);
  }
}

/** The key in the forms it could be printed in, kept out of every log line for the life of the process. */
function pinKey(key: Buffer): Buffer {
  pinSecret(key.toString('hex'));
  pinSecret(key.toString('base64'));
  pinSecret(key.toString('base64url'));
  return key;
}
