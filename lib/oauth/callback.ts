import * as client from 'openid-client';
import { logger, withoutControlCharacters, registerSecret } from '../observe/index.ts';
import { type PendingAuthorization, STATE_KIND, STATE_RETENTION_MS, STATE_TTL_MS, USED_STATE_KIND, stateId } from './authorize.ts';
import type { OAuthServices } from './deps.ts';
import {
  ClientSecretMissingError,
  InvalidAuthorizationResponseError,
  MissingCodeError,
  NoRefreshTokenError,
  OAuthError,
  ProviderDeniedError,
  RedirectMismatchError,
  StateExpiredError,
  StateForOtherIntegrationError,
  StateReplayedError,
  StateUnknownError,
} from './errors.ts';
import type { Integration } from './integration.ts';
import { requireIntegration, updateIntegration } from './integration-store.ts';
import { recordError } from './last-error.ts';
import { providerConfiguration, tokenEndpointError } from './provider-client.ts';
import { accessTokenExpiry, refreshPolicy } from './refresh-policy.ts';
import { redirectUrl } from './redirect-key.ts';
import { withRefreshLease } from './refresh-lease.ts';
import { type StoredTokens, readIntegrationSecret, writeIntegrationSecret } from './token-store.ts';

/** What the callback page reports. Never carries a code or token. */
export type CallbackOutcome =
  | { readonly ok: true; readonly integration: Integration; readonly grantedScopes: readonly string[] }
  | { readonly ok: false; readonly error: OAuthError; readonly integration?: Integration };

/** Longest query string accepted from the provider. */
const MAX_QUERY_LENGTH = 8192;

/**
 * Completes the authorization code flow at `GET /oauth/callback/{redirectKey}`: consumes the
 * single-use state, checks it, exchanges the code (PKCE, state and `iss` checked by
 * openid-client) and stores the grant. On any failure nothing is stored and, when the
 * integration is known, its `lastError` says why.
 */
export async function completeAuthorization(deps: OAuthServices, key: string, rawQueryString: string): Promise<CallbackOutcome> {
  let integration: Integration | undefined;
  try {
    const params = new URLSearchParams(rawQueryString.length > MAX_QUERY_LENGTH ? '' : rawQueryString);
    const state = params.get('state');
    if (state === null || state.length === 0 || state.length > 512) throw new StateUnknownError();
    const pending = await consumeState(deps, state);
    integration = await requireIntegration(deps.metadata, pending.integrationId);
    if (deps.clock.now() > pending.validUntil) throw new StateExpiredError(STATE_TTL_MS / 60_000);
    if (key !== pending.redirectKey && pending.redirectKey === integration.redirectKey) {
      throw new StateForOtherIntegrationError(integration.name, redirectUrl(deps.config.publicUrl, integration.redirectKey));
    }
    if (key !== pending.redirectKey || key !== integration.redirectKey) throw new RedirectMismatchError();
    const providerError = params.get('error');
    if (providerError !== null) {
      const description = params.get('error_description');
      throw new ProviderDeniedError(
        withoutControlCharacters(providerError.slice(0, 100)),
        description === null ? undefined : withoutControlCharacters(description.slice(0, 500)),
      );
    }
    const code = params.get('code');
    if (code === null || code.length === 0) throw new MissingCodeError();
    registerSecret(code);
    const iss = params.get('iss');
    if (iss !== null && iss !== integration.issuer) {
      throw new InvalidAuthorizationResponseError(`the answer names the issuer "${iss.slice(0, 200)}", the integration expects "${integration.issuer}"`);
    }
    const tokens = await exchangeAndStore(deps, integration, pending, state, rawQueryString);
    const now = new Date(deps.clock.now()).toISOString();
    integration = await updateIntegration(deps.metadata, integration.id, (current) => {
      const { lastError: _cleared, ...rest } = current;
      return {
        ...rest,
        status: 'authorized',
        authorizedAt: now,
        lastRefreshAt: now,
        ...(tokens.expiresAt === undefined ? {} : { accessTokenExpiresAt: new Date(tokens.expiresAt).toISOString() }),
        updatedAt: now,
      };
    });
    logger.info('OAuth integration authorized', { integrationId: integration.id, provider: integration.provider });
    return { ok: true, integration, grantedScopes: (tokens.scope ?? '').split(' ').filter(Boolean) };
  } catch (error) {
    if (!(error instanceof OAuthError)) throw error;
    if (integration === undefined && error instanceof StateReplayedError && error.integrationId !== undefined) {
      integration = await requireIntegration(deps.metadata, error.integrationId).catch(() => undefined);
    }
    logger.warn('OAuth callback failed', { integrationId: integration?.id, errorCode: error.code, reason: error.message });
    if (integration !== undefined) integration = await recordError(deps, integration.id, error);
    return { ok: false, error, ...(integration === undefined ? {} : { integration }) };
  }
}

/** Takes the pending authorization (single use) and leaves a marker that explains a replay. */
async function consumeState(deps: OAuthServices, state: string): Promise<PendingAuthorization> {
  const id = stateId(state);
  const taken = await deps.metadata.take<PendingAuthorization>(STATE_KIND, id);
  if (taken === undefined) {
    const used = await deps.metadata.get<{ integrationId: string }>(USED_STATE_KIND, id);
    if (used === undefined) throw new StateUnknownError();
    throw new StateReplayedError(used.data.integrationId);
  }
  await deps.metadata.put({
    kind: USED_STATE_KIND,
    id,
    data: { integrationId: taken.data.integrationId },
    expiresAt: taken.data.createdAt + STATE_RETENTION_MS,
  });
  registerSecret(taken.data.codeVerifier);
  return taken.data;
}

/**
 * Reads the client secret, exchanges the code and stores the grant next to the client secret,
 * all under the refresh lease: no refresh or client-secret change writes the secret in between.
 */
async function exchangeAndStore(
  deps: OAuthServices,
  integration: Integration,
  pending: PendingAuthorization,
  state: string,
  rawQueryString: string,
): Promise<StoredTokens> {
  return withRefreshLease(deps.leases, integration.id, async () => {
    const secret = await readIntegrationSecret(deps.secrets, integration.id);
    if (secret === undefined) throw new ClientSecretMissingError(integration.id);
    const tokens = await exchangeCode(deps, integration, secret.clientSecret, pending, state, rawQueryString);
    await writeIntegrationSecret(deps.secrets, integration.id, { clientSecret: secret.clientSecret, tokens });
    return tokens;
  });
}

async function exchangeCode(
  deps: OAuthServices,
  integration: Integration,
  clientSecret: string,
  pending: PendingAuthorization,
  state: string,
  rawQueryString: string,
): Promise<StoredTokens> {
  const configuration = providerConfiguration(integration, clientSecret, { trust: deps.trust, allowLoopbackHttp: deps.config.allowLoopbackHttp });
  // openid-client sends the URL minus its query as redirect_uri: rebuild exactly what was registered.
  const currentUrl = new URL(`${redirectUrl(deps.config.publicUrl, integration.redirectKey)}?${rawQueryString}`);
  let response: Awaited<ReturnType<typeof client.authorizationCodeGrant>>;
  try {
    response = await client.authorizationCodeGrant(configuration, currentUrl, {
      pkceCodeVerifier: pending.codeVerifier,
      expectedState: state,
      idTokenExpected: false,
    });
  } catch (error) {
    throw tokenEndpointError(error, integration.tokenEndpoint);
  }
  registerSecret(response.access_token);
  registerSecret(response.refresh_token);
  if (response.refresh_token === undefined) throw new NoRefreshTokenError(integration.provider);
  const obtainedAt = deps.clock.now();
  const expiresIn = response.expiresIn();
  return {
    accessToken: response.access_token,
    refreshToken: response.refresh_token,
    tokenType: response.token_type,
    // No expires_in: the configured default lifetime (TRUSTLINE_REFRESH_DEFAULT_LIFETIME_SECONDS), never "forever".
    expiresAt: accessTokenExpiry(obtainedAt, expiresIn, refreshPolicy(deps.config)),
    scope: response.scope ?? integration.scopes.join(' '),
    obtainedAt,
  };
}
