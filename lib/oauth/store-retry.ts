import { setTimeout as sleep } from 'node:timers/promises';
import { logger } from '../observe/index.ts';
import { InvalidSecretNameError, type ItemWrite, LeaseLostError, StoreCorruptedError, type Lease, type LeaseStore, type StoredItem } from '../store/index.ts';
import type { OAuthServices } from './deps.ts';
import { type IntegrationSecret, writeIntegrationSecret } from './token-store.ts';

export interface StoreRetryOptions {
  /** Attempts in all, the first included. */
  readonly attempts: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  /** The lease is renewed to this TTL before every retry. */
  readonly leaseTtlMs: number;
  readonly random: () => number;
  readonly sleep: (ms: number) => Promise<unknown>;
}

/** About 20 s of retries in all: well inside a renewed 30 s lease and the functions' timeouts. */
export const DEFAULT_STORE_RETRY: StoreRetryOptions = {
  attempts: 8,
  baseDelayMs: 200,
  maxDelayMs: 5_000,
  leaseTtlMs: 30_000,
  random: Math.random,
  sleep: (ms) => sleep(ms),
};

/**
 * Writes the integration's secret holding freshly rotated tokens, retrying a failing secret
 * store with jittered backoff while the refresh lease is renewed before each retry. The provider
 * has already invalidated the old refresh token, so giving up early would lose the grant; only
 * failures no retry can fix (corrupted store file, invalid name) end the loop before the
 * attempts run out. `alongside` goes into the secret's commit where the store can (writeIntegrationSecret).
 * Returns the lease as last renewed and the `alongside` item as written (undefined: not written).
 */
export async function writeSecretWithinLease<T>(
  deps: Pick<OAuthServices, 'secrets' | 'leases'>,
  integrationId: string,
  secret: IntegrationSecret,
  lease: Lease,
  options: StoreRetryOptions = DEFAULT_STORE_RETRY,
  alongside?: ItemWrite<T>,
): Promise<{ lease: Lease; item: StoredItem<T> | undefined }> {
  let held = lease;
  for (let attempt = 1; ; attempt++) {
    try {
      const item = await writeIntegrationSecret(deps.secrets, integrationId, secret, alongside);
      return { lease: held, item };
    } catch (error) {
      if (attempt >= options.attempts || !retryable(error)) throw error;
      const delay = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** (attempt - 1)) * (0.5 + options.random() / 2);
      logger.warn('Could not store the rotated tokens; retrying within the refresh lease', {
        integrationId,
        attempt,
        delayMs: Math.round(delay),
        error: error as Error,
      });
      await options.sleep(delay);
      held = await renew(deps.leases, held, options.leaseTtlMs, integrationId);
    }
  }
}

function retryable(error: unknown): boolean {
  return !(error instanceof StoreCorruptedError || error instanceof InvalidSecretNameError);
}

/**
 * Keeps the lease for the retries. Losing it (another refresher took over after it expired)
 * does not stop the write: these tokens are the only ones the provider still accepts.
 */
async function renew(leases: LeaseStore, lease: Lease, ttlMs: number, integrationId: string): Promise<Lease> {
  try {
    return await leases.renew(lease, ttlMs);
  } catch (error) {
    const lost = error instanceof LeaseLostError;
    logger.warn(lost ? 'The refresh lease was lost during store retries; storing the rotated tokens anyway' : 'Could not renew the refresh lease', {
      integrationId,
      error: error as Error,
    });
    return lease;
  }
}
