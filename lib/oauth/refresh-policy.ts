import * as client from 'openid-client';
import type { Config } from '../runtime/config.ts';
import { StoreError } from '../store/index.ts';
import { OAuthError, RefreshBusyError, TokenEndpointError } from './errors.ts';

/**
 * How a failed refresh is treated: which failures need a human, how long to wait before the next
 * scheduled attempt (jittered exponential backoff, at least the provider's Retry-After), when an
 * integration counts as refresh-failing, and the lifetime assumed when a provider omits expires_in.
 */
export interface RefreshPolicy {
  /** Consecutive transient failures before the integration shows `refresh-failing` (and alerts). */
  readonly failingAfter: number;
  /** Backoff after the first failure; doubles per failure (before jitter) up to `backoffMaxMs`. */
  readonly backoffBaseMs: number;
  readonly backoffMaxMs: number;
  /** A Retry-After beyond this is capped: a misconfigured provider must not park a grant for days. */
  readonly retryAfterMaxMs: number;
  /** Lifetime assumed for an access token when the provider sent no `expires_in`. */
  readonly defaultTokenLifetimeMs: number;
  /** In [0, 1): the jitter source, injectable so tests are exact. */
  readonly random: () => number;
}

/** The scheduled run comes every 5 minutes: the first retry is the next run, later ones spread out. */
export const DEFAULT_REFRESH_POLICY: RefreshPolicy = {
  failingAfter: 3,
  backoffBaseMs: 5 * 60_000,
  backoffMaxMs: 60 * 60_000,
  retryAfterMaxMs: 6 * 60 * 60_000,
  defaultTokenLifetimeMs: 3600_000,
  random: Math.random,
};

/** The policy with the deployment's settings (`TRUSTLINE_REFRESH_*`). */
export function refreshPolicy(config: Pick<Config, 'refresh'>): RefreshPolicy {
  return {
    ...DEFAULT_REFRESH_POLICY,
    failingAfter: config.refresh.failingAfter,
    defaultTokenLifetimeMs: config.refresh.defaultTokenLifetimeSeconds * 1000,
  };
}

/**
 * Why a refresh failed, as metrics and the run report count it. `reauthorize` needs a human;
 * `busy` means another refresher held the lease (not a failure of the grant); the rest are retried.
 */
export const FAILURE_CLASSES = [
  'reauthorize',
  'rate-limited',
  'server-error',
  'timeout',
  'network',
  'rejected',
  'invalid-response',
  'store',
  'busy',
  'configuration',
  'unexpected',
] as const;
export type FailureClass = (typeof FAILURE_CLASSES)[number];

/** Provider answers that no retry can fix: a human must authorize again. */
const REAUTHORIZE_ERRORS = new Set(['invalid_grant', 'invalid_client', 'unauthorized_client']);

/** The class of a refresh failure; anything Trustline does not recognise is `unexpected`. */
export function classifyFailure(error: unknown): FailureClass {
  if (error instanceof TokenEndpointError) {
    if (error.reason === 'rejected' && error.providerError !== undefined && REAUTHORIZE_ERRORS.has(error.providerError)) return 'reauthorize';
    if (error.httpStatus === 429) return 'rate-limited';
    if (error.httpStatus !== undefined && error.httpStatus >= 500) return 'server-error';
    if (timedOut(error)) return 'timeout';
    if (error.reason === 'unreachable') return 'network';
    return error.reason === 'rejected' ? 'rejected' : 'invalid-response';
  }
  if (error instanceof RefreshBusyError) return 'busy';
  if (error instanceof StoreError) return 'store';
  if (error instanceof OAuthError) return 'configuration';
  return 'unexpected';
}

/** Whether the class needs a human (status needs-reauthorization) rather than a retry. */
export const needsHuman = (failureClass: FailureClass): boolean => failureClass === 'reauthorize';

/** openid-client reports its own timeout as a ClientError with code OAUTH_TIMEOUT. */
function timedOut(error: Error): boolean {
  for (let cause: unknown = error.cause, depth = 0; cause instanceof Error && depth < 5; cause = cause.cause, depth++) {
    if (cause.name === 'TimeoutError' || (cause instanceof client.ClientError && cause.code === 'OAUTH_TIMEOUT')) return true;
  }
  return false;
}

/**
 * The provider's Retry-After (429 / 503) in ms from `now`, or undefined when it sent none.
 * Accepts delta-seconds and HTTP-dates (RFC 9110 §10.2.3).
 */
export function retryAfterMs(error: unknown, now: number): number | undefined {
  const response = providerResponse(error);
  if (response === undefined || (response.status !== 429 && response.status !== 503)) return undefined;
  const value = response.headers.get('retry-after')?.trim();
  if (value === undefined || value === '') return undefined;
  if (/^\d+$/.test(value)) return Number(value) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** The parts of a fetch Response read here (undici's own Response class is not the global one). */
interface ResponseLike {
  readonly status: number;
  readonly headers: { get(name: string): string | null };
}

function isResponseLike(value: unknown): value is ResponseLike {
  const candidate = value as Partial<ResponseLike> | null | undefined;
  return typeof candidate?.status === 'number' && typeof candidate.headers?.get === 'function';
}

/** The token endpoint's HTTP response behind an openid-client error, wherever it sits. */
function providerResponse(error: unknown): ResponseLike | undefined {
  for (let current: unknown = error, depth = 0; current instanceof Error && depth < 5; current = current.cause, depth++) {
    if (current instanceof client.ResponseBodyError) return current.response;
    if (isResponseLike(current.cause)) return current.cause;
  }
  return undefined;
}

/**
 * How long to wait before the next scheduled attempt after `failures` consecutive failures:
 * exponential with "equal jitter" (half fixed, half random) so integrations that failed together
 * do not retry together, and never before the provider's Retry-After.
 */
export function backoffMs(failures: number, retryAfter: number | undefined, policy: RefreshPolicy): number {
  const exponential = Math.min(policy.backoffMaxMs, policy.backoffBaseMs * 2 ** Math.max(0, failures - 1));
  const jittered = exponential / 2 + policy.random() * (exponential / 2);
  return Math.round(Math.max(jittered, Math.min(retryAfter ?? 0, policy.retryAfterMaxMs)));
}

/** Epoch ms the access token expires: the provider's `expires_in`, or the policy's default lifetime. */
export function accessTokenExpiry(obtainedAt: number, expiresInSeconds: number | undefined, policy: Pick<RefreshPolicy, 'defaultTokenLifetimeMs'>): number {
  return obtainedAt + (expiresInSeconds === undefined ? policy.defaultTokenLifetimeMs : expiresInSeconds * 1000);
}
