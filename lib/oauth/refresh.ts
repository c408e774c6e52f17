import * as client from 'openid-client';
import { logger, registerSecret } from '../observe/index.ts';
import type { OAuthServices } from './deps.ts';
import { refreshDueAt } from './due.ts';
import { NotAuthorizedError, type TokenEndpointError } from './errors.ts';
import type { Integration } from './integration.ts';
import { requireIntegrationItem } from './integration-store.ts';
import { providerConfiguration, tokenEndpointError } from './provider-client.ts';
import { type HeldLease, withRefreshLease } from './refresh-lease.ts';
import { announceRefreshSuccess, recordRefreshFailure, recordRefreshSuccess, refreshSuccessWrite } from './refresh-outcome.ts';
import { type RefreshPolicy, accessTokenExpiry, classifyFailure, refreshPolicy } from './refresh-policy.ts';
import { type StoreRetryOptions, writeSecretWithinLease } from './store-retry.ts';
import { type StoredTokens, readIntegrationSecret, readTokens } from './token-store.ts';

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

/**
 * Refreshes the integration's access token under its refresh lease: reads its secret (client
 * secret and tokens, one read) after taking the lease (someone else may have refreshed),
 * persists the new refresh token before anything else in one write (keeping the old one when
 * none comes back; store writes retried within the lease), and records failures
 * (refresh-outcome.ts): invalid_grant / invalid_client / unauthorized_client ->
 * needs-reauthorization at once, others -> backoff, refresh-failing after `failingAfter` in a row.
 */
export async function refreshIntegration(deps: OAuthServices, integrationId: string, options: RefreshOptions = {}): Promise<RefreshResult> {
  const fresh = (integration: Integration, tokens: StoredTokens): boolean => {
    if (options.whenDue) return (refreshDueAt(integration) ?? Infinity) > deps.clock.now();
    return !options.force && (tokens.expiresAt === undefined || tokens.expiresAt - deps.clock.now() > (options.minValidityMs ?? 0));
  };
  const policy = options.policy ?? refreshPolicy(deps.config);
  return withRefreshLease(deps.leases, integrationId, (held) => refreshHoldingLease(deps, integrationId, held, fresh, { ...options, policy }));
}

async function refreshHoldingLease(
  deps: OAuthServices,
  integrationId: string,
  held: HeldLease,
  fresh: (integration: Integration, tokens: StoredTokens) => boolean,
  { policy, storeRetry }: RefreshOptions & { policy: RefreshPolicy },
): Promise<RefreshResult> {
  // Read under the lease; the outcome is written conditionally on this version, without reading it again.
  const item = await requireIntegrationItem(deps.metadata, integrationId);
  const integration = item.data;
  // The one secret read of a refresh: client secret and refresh token together, under the lease.
  const secret = await readIntegrationSecret(deps.secrets, integrationId);
  const tokens = secret?.tokens;
  if (secret === undefined || tokens === undefined || integration.status === 'not-authorized') throw new NotAuthorizedError(integrationId, integration.status);
  if (fresh(integration, tokens)) return { integration, tokens, refreshed: false };
  const { clientSecret } = secret;
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
    await recordRefreshFailure(deps, integrationId, error, policy, item);
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
  // The one secret write of a refresh (keeping the client secret read above: the lease keeps
  // other writers out), retried with backoff within the (renewed) lease so a transient store
  // error does not lose it.
  //
  // WHY the outcome may ride in the secret's commit: what a refresh must never do is report
  // success (return, or show the integration refreshed) while the rotated refresh token could
  // still be lost, since it is the only grant the provider still accepts. The outcome item is
  // the report, and it needs no flush of its own: losing it to a crash only makes the
  // integration due again, and the durable token refreshes it. So where the secrets and items
  // share one database (the local stores), the outcome goes into the secret's conditional
  // commit — never visible without the tokens, on disk in the same flush — instead of a second
  // commit that would wait for its own flush. Elsewhere (Secrets Manager and DynamoDB) it stays
  // a write of its own after the secret's, as it is when the combined write could not apply it.
  const written = await writeSecretWithinLease(
    deps,
    integrationId,
    { clientSecret, tokens: next },
    held.lease,
    storeRetry,
    refreshSuccessWrite(item, next),
  ).catch(async (error: unknown) => {
    await recordRefreshFailure(deps, integrationId, error, policy, item).catch(() => undefined);
    throw error;
  });
  held.lease = written.lease;
  const recorded = written.item;
  // The lease guarded the secret's read-modify-write, which is done; the outcome, if still to
  // write, is a conditional write of its own, so the release goes out with it instead of after it.
  const [updated] = await Promise.all([
    recorded === undefined
      ? recordRefreshSuccess(deps, integrationId, next, item)
      : announceRefreshSuccess(deps, integration.status, recorded.data).then(() => recorded.data),
    held.release(),
  ]);
  logger.info('OAuth access token refreshed', { integrationId, rotated: response.refresh_token !== undefined });
  return { integration: updated, tokens: next, refreshed: true };
}

/** Whether the failure needs a human to authorize again (no retry can fix it). */
export function needsReauthorization(error: TokenEndpointError): boolean {
  return classifyFailure(error) === 'reauthorize';
}
