import * as client from 'openid-client';
import { redactString } from '../observe/index.ts';
import type { TrustContext } from '../trust/index.ts';
import { assertSecureEndpoint, isLoopbackHttp } from './endpoint-policy.ts';
import { TokenEndpointError } from './errors.ts';
import type { Integration } from './integration.ts';
import { trustlineCommand } from '../shell-quote.ts';

/** Seconds allowed for one token-endpoint call. */
const TOKEN_ENDPOINT_TIMEOUT_SECONDS = 15;

export interface ProviderClientOptions {
  readonly trust: TrustContext;
  readonly allowLoopbackHttp: boolean;
}

/** Configurations kept for reuse; a deployment has a handful of OAuth clients, each shared by many integrations. */
const MAX_CACHED_CONFIGURATIONS = 64;

interface CachedConfiguration {
  /** Compared, not part of the key: the configuration holds this secret anyway, and a changed one replaces the entry. */
  readonly clientSecret: string | undefined;
  readonly trust: TrustContext;
  readonly configuration: client.Configuration;
}

/** Keyed by everything a configuration is built from except the client secret and the trust. */
const configurations = new Map<string, CachedConfiguration>();

/**
 * The openid-client configuration of an integration, without discovery: its endpoints and
 * issuer, `client_secret_post`, and every request through the shared trust. Reused while
 * endpoints, client and trust stay the same: building one costs about as much CPU as the rest
 * of a refresh's own logic. The configuration is never changed after it is built.
 */
export function providerConfiguration(integration: Integration, clientSecret: string | undefined, options: ProviderClientOptions): client.Configuration {
  const key = JSON.stringify([
    integration.issuer,
    integration.authorizationEndpoint,
    integration.tokenEndpoint,
    integration.clientId,
    options.allowLoopbackHttp,
  ]);
  const cached = configurations.get(key);
  if (cached !== undefined && cached.clientSecret === clientSecret && cached.trust === options.trust) return cached.configuration;
  const configuration = buildConfiguration(integration, clientSecret, options);
  configurations.delete(key);
  configurations.set(key, { clientSecret, trust: options.trust, configuration });
  if (configurations.size > MAX_CACHED_CONFIGURATIONS) configurations.delete(configurations.keys().next().value as string);
  return configuration;
}

function buildConfiguration(integration: Integration, clientSecret: string | undefined, options: ProviderClientOptions): client.Configuration {
  assertSecureEndpoint('authorizationEndpoint', integration.authorizationEndpoint, options.allowLoopbackHttp);
  assertSecureEndpoint('tokenEndpoint', integration.tokenEndpoint, options.allowLoopbackHttp);
  const configuration = new client.Configuration(
    {
      issuer: integration.issuer,
      authorization_endpoint: integration.authorizationEndpoint,
      token_endpoint: integration.tokenEndpoint,
    },
    integration.clientId,
    clientSecret,
    // Building the authorization URL needs no secret; the token endpoint always gets one.
    clientSecret === undefined ? client.None() : client.ClientSecretPost(clientSecret),
  );
  const trustedFetch = options.trust.fetch;
  configuration[client.customFetch] = (url, init) => trustedFetch(url, init);
  configuration.timeout = TOKEN_ENDPOINT_TIMEOUT_SECONDS;
  // assertSecureEndpoint allowed plain http only for loopback with the development flag; this is
  // the one case openid-client's (deliberately deprecated-looking) switch exists for.
  // eslint-disable-next-line @typescript-eslint/no-deprecated
  if (isLoopbackHttp(integration.tokenEndpoint) || isLoopbackHttp(integration.authorizationEndpoint)) client.allowInsecureRequests(configuration);
  return configuration;
}

/** Turns an openid-client or network failure at the token endpoint into a TokenEndpointError. */
export function tokenEndpointError(error: unknown, tokenEndpoint: string): TokenEndpointError {
  if (error instanceof TokenEndpointError) return error;
  const host = new URL(tokenEndpoint).host;
  if (error instanceof client.ResponseBodyError) {
    const description = error.error_description === undefined ? '' : `: ${redactString(error.error_description)}`;
    const serverSide = error.status >= 500 || error.status === 429;
    return new TokenEndpointError(
      serverSide ? 'server-error' : 'rejected',
      `The token endpoint ${host} answered ${error.status} ${error.error}${description}.`,
      error.error,
      error.status,
      { actual: error.error, fix: fixFor(error.error) },
      { cause: error },
    );
  }
  const status = responseStatus(error);
  if (status !== undefined) {
    return new TokenEndpointError(
      status >= 500 || status === 429 ? 'server-error' : 'invalid-response',
      `The token endpoint ${host} answered HTTP ${status}.`,
      undefined,
      status,
      { fix: 'Check the token endpoint URL; the provider may be having an outage.' },
      { cause: error },
    );
  }
  if (error instanceof client.ClientError) {
    return new TokenEndpointError(
      'invalid-response',
      `The token endpoint ${host} gave an answer Trustline cannot use (${error.message}).`,
      undefined,
      undefined,
      {
        fix: 'Check that the token endpoint URL is the OAuth 2.0 token endpoint of the provider.',
      },
      { cause: error },
    );
  }
  return new TokenEndpointError(
    'unreachable',
    `Trustline could not reach the token endpoint ${host} (${describeNetworkError(error)}).`,
    undefined,
    undefined,
    {
      fix: `Check the URL, DNS and firewall; if the provider uses a private CA, add it with \`${trustlineCommand('trust', 'add', '--from', host)}\`.`,
    },
    { cause: error },
  );
}

function fixFor(providerError: string): string {
  switch (providerError) {
    case 'invalid_grant':
      return 'The grant was revoked or expired: authorize the integration again.';
    case 'invalid_client':
    case 'unauthorized_client':
      return 'Check the client ID and client secret (the secret value, not its ID) registered at the provider.';
    default:
      return 'Check the integration settings against the provider registration.';
  }
}

/** The HTTP status of an unexpected token-endpoint response (openid-client keeps the Response as `cause`). */
function responseStatus(error: unknown): number | undefined {
  const cause: unknown = error instanceof Error ? error.cause : undefined;
  // Duck-typed: the shared trust's fetch is undici's, whose Response is not the global class.
  if (typeof cause !== 'object' || cause === null || !('status' in cause) || !('headers' in cause)) return undefined;
  return typeof cause.status === 'number' ? cause.status : undefined;
}

function describeNetworkError(error: unknown): string {
  if (!(error instanceof Error)) return 'unknown error';
  if (error.name === 'TimeoutError' || error.name === 'AbortError') return `no answer within ${TOKEN_ENDPOINT_TIMEOUT_SECONDS} s`;
  const cause: (Error & { code?: unknown }) | undefined = error.cause instanceof Error ? error.cause : undefined;
  const code = typeof cause?.code === 'string' ? cause.code : undefined;
  return redactString(code ?? cause?.message ?? error.message);
}
