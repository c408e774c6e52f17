import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import * as client from 'openid-client';
import { logger } from '../observe/logger.ts';
import { registerSecret } from '../observe/redact.ts';
import type { Lease } from '../store/ports.ts';
import type { OAuthServices } from './deps.ts';
import { refreshDueAt } from './due.ts';
import { ClientSecretMissingError, NotAuthorizedError, RefreshBusyError, type TokenEndpointError } from './errors.ts';
import type { Integration } from './integration.ts';
import { requireIntegration } from './integration-store.ts';
import { providerConfiguration, tokenEndpointError } from './provider-client.ts';
import { recordRefreshFailure, recordRefreshSuccess } from './refresh-outcome.ts';
import { type RefreshPolicy, accessTokenExpiry, classifyFailure, refreshPolicy } from './refresh-policy.ts';
import { type StoreRetryOptions, writeTokensWithinLease } from './store-retry.ts';
import { type StoredTokens, readClientSecret, readTokens } from './token-store.ts';

/** The refresh lease outlives one token-endpoint call (15 s timeout) with room to store the result. */
export const REFRESH_LEASE_TTL_MS = 30_000;
/** How long a caller waits for another holder's refresh before giving up. */
const LEASE_WAIT_MS = 12_000;
const LEASE_POLL_MS = 200;

export interface RefreshOptions {
  /** Refresh even when the stored access token is still fresh (manual refresh, test connection). */
  readonly force?: boolean;
  /** Without `force`: skip the refresh when the token stays valid this long (ms). Default 0. */
  readonly minValidityMs?: number;
  /** Scheduled refresh: refresh only if the integration, re-read under the lease, is still due (`refreshDueAt`). */
  readonly whenDue?: boolean;
  /** Backoff, failure thresholds and default lifetime; default: from `config.refresh`. */
  readonly policy?: RefreshPolicy;
  /** How the token write is retried within the lease; default DEFAULT_STORE_RETRY (about 20 s). */
  readonly storeRetry?: StoreRetryOptions;
}

export interface RefreshResult {
  readonly integration: Integration;
  readonly tokens: StoredTokens;
  /** False when the stored token was fresh enough (possibly refreshed by someone else meanwhile). */
  readonly refreshed: boolean;
}

/** The lease name shared by every refresher of one integration (schedule, token access, test). */
export const refreshLeaseName = (integrationId: string): string => `oauth-refresh:${integrationId}`;

/**
 * Refreshes the integration's access token under its refresh lease: reads the tokens again after
 * taking the lease (someone else may have refreshed), persists the new refresh token before
 * anything else (keeping the old one when none comes back; store writes retried within the lease),
 * and records failures (refresh-outcome.ts): invalid_grant / invalid_client / unauthorized_client ->
 * needs-reauthorization at once, others -> backoff, refresh-failing after `failingAfter` in a row.
 */
export async function refreshIntegration(deps: OAuthServices, integrationId: string, options: RefreshOptions = {}): Promise<RefreshResult> {
  const fresh = (integration: Integration, tokens: StoredTokens): boolean => {
    if (options.whenDue) return (refreshDueAt(integration) ?? Infinity) > deps.clock.now();
    return !options.force && (tokens.expiresAt === undefined || tokens.expiresAt - deps.clock.now() > (options.minValidityMs ?? 0));
  };
  const policy = options.policy ?? refreshPolicy(deps.config);
  const owner = randomUUID();
  let lease = await deps.leases.acquire(refreshLeaseName(integrationId), owner, REFRESH_LEASE_TTL_MS);
  for (let waited = 0; lease === undefined; waited += LEASE_POLL_MS) {
    if (waited >= LEASE_WAIT_MS) throw new RefreshBusyError(integrationId);
    await sleep(LEASE_POLL_MS);
    lease = await deps.leases.acquire(refreshLeaseName(integrationId), owner, REFRESH_LEASE_TTL_MS);
  }
  // Store retries renew the lease: release the version last written.
  const held = { lease };
  try {
    return await refreshHoldingLease(deps, integrationId, held, fresh, { ...options, policy });
  } finally {
    await deps.leases.release(held.lease).catch((error: unknown) => {
      logger.warn('Could not release the refresh lease; it expires by itself', { integrationId, error: error as Error });
    });
  }
}

async function refreshHoldingLease(
  deps: OAuthServices,
  integrationId: string,
  held: { lease: Lease },
  fresh: (integration: Integration, tokens: StoredTokens) => boolean,
  { policy, storeRetry }: RefreshOptions & { policy: RefreshPolicy },
): Promise<RefreshResult> {
  const integration = await requireIntegration(deps.metadata, integrationId);
  const tokens = await readTokens(deps.secrets, integrationId);
  if (tokens === undefined || integration.status === 'not-authorized') throw new NotAuthorizedError(integrationId, integration.status);
  if (fresh(integration, tokens)) return { integration, tokens, refreshed: false };
  const clientSecret = await readClientSecret(deps.secrets, integrationId);
  if (clientSecret === undefined) {
    const missing = new ClientSecretMissingError(integrationId);
    await recordRefreshFailure(deps, integrationId, missing, policy);
    throw missing;
  }
  const configuration = providerConfiguration(integration, clientSecret, { trust: deps.trust, allowLoopbackHttp: deps.config.allowLoopbackHttp });

  let response: Awaited<ReturnType<typeof client.refreshTokenGrant>>;
  try {
    response = await client.refreshTokenGrant(configuration, tokens.refreshToken);
  } catch (caught) {
    const error = tokenEndpointError(caught, integration.tokenEndpoint);
    if (error.providerError === 'invalid_grant') {
      // A sibling may have rotated the refresh token between our read and our call.
      const latest = await readTokens(deps.secrets, integrationId);
      if (latest !== undefined && latest.refreshToken !== tokens.refreshToken) return { integration, tokens: latest, refreshed: false };
    }
    await recordRefreshFailure(deps, integrationId, error, policy);
    throw error;
  }
  registerSecret(response.access_token);
  registerSecret(response.refresh_token);
  const obtainedAt = deps.clock.now();
  const expiresIn = response.expiresIn();
  const next: StoredTokens = {
    accessToken: response.access_token,
    // Google returns no new refresh token: the old one stays valid.
    refreshToken: response.refresh_token ?? tokens.refreshToken,
    tokenType: response.token_type,
    // A provider that omits expires_in gets the policy's default lifetime (never "valid forever").
    expiresAt: accessTokenExpiry(obtainedAt, expiresIn, policy),
    scope: response.scope ?? tokens.scope ?? integration.scopes.join(' '),
    obtainedAt,
  };
  // The new refresh token first: a rotating provider has already invalidated the old one.
  // Retried with backoff within the (renewed) lease: a transient store error must not lose it.
  try {
    held.lease = await writeTokensWithinLease(deps, integrationId, next, held.lease, storeRetry);
  } catch (error) {
    await recordRefreshFailure(deps, integrationId, error, policy).catch(() => undefined);
    throw error;
  }
  const updated = await recordRefreshSuccess(deps, integrationId, next);
  logger.info('OAuth access token refreshed', { integrationId, rotated: response.refresh_token !== undefined });
  return { integration: updated, tokens: next, refreshed: true };
}

/** Whether the failure needs a human to authorize again (no retry can fix it). */
export function needsReauthorization(error: TokenEndpointError): boolean {
  return classifyFailure(error) === 'reauthorize';
}
