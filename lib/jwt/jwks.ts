import { importJWK, type JWK } from 'jose';
import { systemClock, type Clock } from '../store/ports.ts';
import { KeyUnavailableError, MalformedTokenError } from './errors.ts';
import type { PublicKey } from './install-keys.ts';
import { assertHttpsUrl, failureText, readLimited } from './key-fetch.ts';
import { PenaltyBox } from './penalty-box.ts';

export interface JwksCacheOptions {
  readonly jwksUri: string;
  /** The fetch of THE shared TLS trust (`services().trust.fetch`). */
  readonly fetch: typeof globalThis.fetch;
  readonly clock?: Clock;
  /** Wait after a failed fetch (or a kid still missing after one) before fetching again; 10 s unless set. */
  readonly penaltySeconds?: number;
  readonly timeoutMs?: number;
  /** Development only: accept a plain-http JWKS URL on a loopback address. */
  readonly allowLoopbackHttp?: boolean;
}

const MAX_JWKS_BYTES = 256 * 1024;

/**
 * An issuer's JWKS, keyed by `kid`: fetched on first use and again only when a token names a
 * kid it lacks (key rotation), never more often than the penalty box allows (as aws-jwt-verify does).
 */
export function createJwksCache(options: JwksCacheOptions) {
  assertHttpsUrl(options.jwksUri, options.allowLoopbackHttp === true, 'A JWKS URL');
  const clock = options.clock ?? systemClock;
  const penalty = new PenaltyBox(clock, (options.penaltySeconds ?? 10) * 1000);
  let jwks = new Map<string, JWK>();
  const imported = new Map<string, PublicKey>();
  let refreshing: Promise<void> | undefined;

  async function refresh(): Promise<void> {
    let body: string;
    try {
      const response = await options.fetch(options.jwksUri, { signal: AbortSignal.timeout(options.timeoutMs ?? 5000), headers: { accept: 'application/json' } });
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      body = await readLimited(response, MAX_JWKS_BYTES);
    } catch (error) {
      throw new KeyUnavailableError(`Trustline could not fetch the signing keys from ${options.jwksUri}: ${failureText(error)}.`, true, { cause: error });
    }
    const parsed = safeJson(body) as { keys?: unknown } | undefined;
    if (!Array.isArray(parsed?.keys)) throw new KeyUnavailableError(`${options.jwksUri} did not answer a JSON Web Key Set.`, true);
    const next = new Map<string, JWK>();
    for (const key of parsed.keys as JWK[]) if (typeof key.kid === 'string' && (key.use === undefined || key.use === 'sig')) next.set(key.kid, key);
    jwks = next;
    imported.clear();
  }

  /** The verification key for a token's `kid` and `alg`. */
  async function getKey(kid: unknown, alg: string): Promise<PublicKey> {
    if (typeof kid !== 'string' || kid === '') throw new MalformedTokenError('the header has no "kid" (key id)');
    if (!jwks.has(kid)) {
      const wait = penalty.remaining(options.jwksUri);
      if (wait > 0) throw new KeyUnavailableError(`The signing key "${kid}" is not in ${options.jwksUri}; Trustline will look again in ${Math.ceil(wait / 1000)} s.`, false);
      refreshing ??= refresh().finally(() => (refreshing = undefined));
      try {
        await refreshing;
      } catch (error) {
        penalty.registerFailure(options.jwksUri);
        throw error;
      }
      if (!jwks.has(kid)) {
        penalty.registerFailure(options.jwksUri);
        throw new KeyUnavailableError(`The signing key "${kid}" is not in ${options.jwksUri}.`, false);
      }
      penalty.registerSuccess(options.jwksUri);
    }
    const cacheKey = `${kid}\u0000${alg}`;
    const cached = imported.get(cacheKey);
    if (cached !== undefined) return cached;
    const jwk = jwks.get(kid) as JWK;
    if (jwk.alg !== undefined && jwk.alg !== alg) throw new KeyUnavailableError(`The signing key "${kid}" is for ${jwk.alg}, but the token says ${alg}.`, false);
    // Only the public half is ever used, even if a misconfigured server publishes a private key.
    const { d: _private, ...publicJwk } = jwk;
    let key: PublicKey;
    try {
      key = (await importJWK(publicJwk, alg)) as PublicKey;
    } catch (error) {
      throw new KeyUnavailableError(`The signing key "${kid}" cannot be used with ${alg}.`, false, { cause: error });
    }
    imported.set(cacheKey, key);
    return key;
  }

  return { getKey };
}

export type JwksCache = ReturnType<typeof createJwksCache>;

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
