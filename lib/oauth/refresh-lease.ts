import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { logger } from '../observe/index.ts';
import type { Lease, LeaseStore } from '../store/index.ts';
import { RefreshBusyError } from './errors.ts';

/** The refresh lease outlives one token-endpoint call (15 s timeout) with room to store the result. */
export const REFRESH_LEASE_TTL_MS = 30_000;
/** How long a caller waits for another holder before giving up. */
const LEASE_WAIT_MS = 12_000;
const LEASE_POLL_MS = 200;

/**
 * The lease name shared by everything that writes the integration's secret: refreshes (schedule,
 * token access, test connection), the authorization callback and a PATCH of the client secret.
 * The secret holds client secret and tokens together, so each writer keeps the other's part:
 * the lease makes that read-modify-write safe (no rotated refresh token overwritten).
 */
export const refreshLeaseName = (integrationId: string): string => `oauth-refresh:${integrationId}`;

/** The lease as last written: renewals (store retries) replace it, release uses the latest. */
export interface HeldLease {
  lease: Lease;
  /**
   * Releases the lease now, before `work` ends (later calls do nothing): once the secret is
   * written, what is left needs no lease, and a release sent with that last write overlaps its
   * round trip instead of adding one after it.
   */
  release(): Promise<void>;
}

/**
 * Runs `work` holding the integration's refresh lease, waiting up to 12 s for another holder;
 * throws RefreshBusyError when it does not come free.
 */
export async function withRefreshLease<T>(leases: LeaseStore, integrationId: string, work: (held: HeldLease) => Promise<T>): Promise<T> {
  const owner = randomUUID();
  let lease = await leases.acquire(refreshLeaseName(integrationId), owner, REFRESH_LEASE_TTL_MS);
  for (let waited = 0; lease === undefined; waited += LEASE_POLL_MS) {
    if (waited >= LEASE_WAIT_MS) throw new RefreshBusyError(integrationId);
    await sleep(LEASE_POLL_MS);
    lease = await leases.acquire(refreshLeaseName(integrationId), owner, REFRESH_LEASE_TTL_MS);
  }
  let released: Promise<void> | undefined;
  const held: HeldLease = {
    lease,
    release: () =>
      (released ??= leases.release(held.lease).catch((error: unknown) => {
        logger.warn('Could not release the refresh lease; it expires by itself', { integrationId, error: error as Error });
      })),
  };
  try {
    return await work(held);
  } finally {
    await held.release();
  }
}
