import type { Integration } from './integration.ts';

/** A scheduled refresh becomes due this long before the access token expires. */
export const REFRESH_MARGIN_MS = 15 * 60_000;
/** Refresh at least this often, against idle-token expiry (Microsoft 90 days, Google 6 months). */
export const MAX_REFRESH_INTERVAL_MS = 24 * 60 * 60_000;

/**
 * When the integration is next due for a refresh (the metadata store's `dueAt` index), or
 * undefined when a refresh cannot help (never authorized, or waiting for a human).
 */
export function refreshDueAt(integration: Integration): number | undefined {
  if (integration.status !== 'authorized' && integration.status !== 'refresh-failing') return undefined;
  // After a failed refresh the next attempt waits for its backoff (refresh-outcome.ts); a
  // re-authorization clears lastError and with it the backoff.
  if (integration.nextRefreshAttemptAt !== undefined && integration.lastError !== undefined) return Date.parse(integration.nextRefreshAttemptAt);
  const last = Date.parse(integration.lastRefreshAt ?? integration.authorizedAt ?? integration.updatedAt);
  const idleLimit = last + MAX_REFRESH_INTERVAL_MS;
  if (integration.accessTokenExpiresAt === undefined) return idleLimit;
  return Math.min(Date.parse(integration.accessTokenExpiresAt) - REFRESH_MARGIN_MS, idleLimit);
}
