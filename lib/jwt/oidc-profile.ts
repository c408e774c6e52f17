import { createRemoteJWKSet, customFetch, errors as joseErrors, jwtVerify, type JWTPayload } from 'jose';
import { systemClock, type Clock } from '../clock.ts';
import { DEFAULT_LEEWAY_SECONDS } from './claims.ts';
import { AlgNotAllowedError, ExpiredError, type JwtError, KeyUnavailableError, MalformedTokenError, NotYetValidError } from './errors.ts';
import { assertHttpsUrl, failureText, readLimited } from './key-fetch.ts';
import { OidcBadSignatureError, OidcRequestError, OidcWrongAudienceError, OidcWrongIssuerError } from './oidc-errors.ts';
import { decodeToken } from './token.ts';
import type { VerifyDocument } from './verify-document.ts';

/** Asymmetric algorithms only: `none` and HMAC (where a public key would become the secret) never are. */
export const OIDC_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'] as const;
const FETCH_TIMEOUT_MS = 5000;
const MAX_METADATA_BYTES = 64 * 1024;
/** Issuers remembered per process; beyond this the oldest is forgotten (and rediscovered when needed). */
const MAX_ISSUERS = 100;

/** What the caller expects of the token: all mandatory except the JWKS URL, which discovery finds. */
export interface OidcExpectations {
  readonly issuer: string;
  readonly audience: string;
  readonly jwksUrl?: string;
}

export interface OidcProfileDeps {
  /** The fetch of THE shared trust (`services().trust.fetch`): discovery and keys trust what every outbound call trusts. */
  readonly fetch: typeof globalThis.fetch;
  /** Development only (TRUSTLINE_DEV_ALLOW_LOOPBACK_HTTP): plain-http issuers and JWKS on loopback. */
  readonly allowLoopbackHttp: boolean;
  readonly clock?: Clock;
  readonly algorithms?: readonly string[];
}

type KeySet = ReturnType<typeof createRemoteJWKSet>;
/** Per fetch (one per trust context): discovered JWKS URLs by issuer, key sets by JWKS URL; both survive warm invocations. */
const caches = new WeakMap<typeof globalThis.fetch, { jwksUrls: Map<string, Promise<string>>; keySets: Map<string, KeySet> }>();

function cacheFor(fetch: typeof globalThis.fetch) {
  let cache = caches.get(fetch);
  if (cache === undefined) {
    cache = { jwksUrls: new Map(), keySets: new Map() };
    caches.set(fetch, cache);
  }
  return cache;
}

function remember<V>(map: Map<string, V>, key: string, value: V): V {
  if (map.size >= MAX_ISSUERS) map.delete(map.keys().next().value ?? '');
  map.set(key, value);
  return value;
}

/** The issuer's jwks_uri from `<issuer>/.well-known/openid-configuration`, whose `issuer` must be the expected one exactly. */
async function discover(issuer: string, deps: OidcProfileDeps): Promise<string> {
  const url = `${issuer.replace(/\/+$/, '')}/.well-known/openid-configuration`;
  try {
    const response = await deps.fetch(url, { headers: { accept: 'application/json' }, signal: AbortSignal.timeout(FETCH_TIMEOUT_MS), redirect: 'manual' });
    if (!response.ok) throw new Error(`HTTP ${String(response.status)}`);
    const metadata = JSON.parse(await readLimited(response, MAX_METADATA_BYTES)) as { issuer?: unknown; jwks_uri?: unknown };
    if (metadata.issuer !== issuer) throw new Error(`it names the issuer ${JSON.stringify(metadata.issuer)}`);
    if (typeof metadata.jwks_uri !== 'string') throw new Error('it has no jwks_uri');
    assertHttpsUrl(metadata.jwks_uri, deps.allowLoopbackHttp, 'Its jwks_uri');
    return metadata.jwks_uri;
  } catch (error) {
    throw new KeyUnavailableError(`Trustline could not use the OpenID configuration at ${url}: ${failureText(error)}.`, true, { cause: error });
  }
}

async function keySet(expected: OidcExpectations, deps: OidcProfileDeps): Promise<KeySet> {
  const cache = cacheFor(deps.fetch);
  let jwksUrl = expected.jwksUrl;
  if (jwksUrl === undefined) {
    const known = cache.jwksUrls.get(expected.issuer);
    const pending = known ?? remember(cache.jwksUrls, expected.issuer, discover(expected.issuer, deps));
    // A failed discovery is retried on the next token rather than remembered.
    pending.catch(() => cache.jwksUrls.delete(expected.issuer));
    jwksUrl = await pending;
  }
  return (
    cache.keySets.get(jwksUrl) ??
    remember(cache.keySets, jwksUrl, createRemoteJWKSet(new URL(jwksUrl), { [customFetch]: deps.fetch, timeoutDuration: FETCH_TIMEOUT_MS }))
  );
}

function checkedExpectations(expected: OidcExpectations, deps: OidcProfileDeps): void {
  const fix = 'Give the issuer exactly as the tokens name it (https), and the audience the token is meant for.';
  if (expected.audience === '') throw new OidcRequestError('The audience to expect is empty.', fix);
  for (const [url, what] of [
    [expected.issuer, 'The issuer'],
    [expected.jwksUrl, 'The JWKS URL'],
  ] as const) {
    if (url === undefined) continue;
    try {
      assertHttpsUrl(url, deps.allowLoopbackHttp, what);
    } catch (error) {
      throw new OidcRequestError(error instanceof Error ? error.message : `${what} is not a URL.`, fix);
    }
  }
}

/**
 * Verifies an OIDC / OAuth 2.0 JWT with jose: keys from the issuer's JWKS (discovered unless given),
 * issuer, audience and an asymmetric algorithm allow-list stated explicitly, `exp` required.
 * Answers the `jwt verify --json` document; throws OidcRequestError only for a request that cannot be checked.
 */
export async function verifyOidcToken(token: string, expected: OidcExpectations, deps: OidcProfileDeps): Promise<VerifyDocument> {
  checkedExpectations(expected, deps);
  const clock = deps.clock ?? systemClock;
  const algorithms = [...(deps.algorithms ?? OIDC_ALGORITHMS)];
  try {
    const { header } = decodeToken(token);
    if (!algorithms.includes(header.alg)) throw new AlgNotAllowedError(algorithms, header.alg);
    const { payload } = await jwtVerify(token, await keySet(expected, deps), {
      issuer: expected.issuer,
      audience: expected.audience,
      algorithms,
      clockTolerance: DEFAULT_LEEWAY_SECONDS,
      currentDate: new Date(clock.now()),
      requiredClaims: ['exp'],
    });
    return { valid: true, claims: payload };
  } catch (error) {
    const failure = asJwtError(error, expected, Math.floor(clock.now() / 1000));
    // jose raises claim failures only after the signature verified: the claims are then genuine.
    const claims = error instanceof joseErrors.JWTClaimValidationFailed || error instanceof joseErrors.JWTExpired ? error.payload : undefined;
    return { valid: false, ...(claims === undefined ? {} : { claims }), error: { code: failure.code, message: failure.message } };
  }
}

/** Any failure as a typed JWT error with a stable code; jose's own messages never carry the token. */
function asJwtError(error: unknown, expected: OidcExpectations, now: number): JwtError {
  if (error instanceof OidcRequestError || error instanceof KeyUnavailableError || error instanceof AlgNotAllowedError || error instanceof MalformedTokenError)
    return error;
  if (error instanceof joseErrors.JWSSignatureVerificationFailed) return new OidcBadSignatureError(expected.issuer);
  if (error instanceof joseErrors.JWTExpired) return new ExpiredError(Number(error.payload.exp), now, DEFAULT_LEEWAY_SECONDS);
  if (error instanceof joseErrors.JWTClaimValidationFailed) return claimError(error, expected, now);
  if (error instanceof joseErrors.JOSEAlgNotAllowed) return new AlgNotAllowedError(OIDC_ALGORITHMS, undefined);
  if (error instanceof joseErrors.JWKSNoMatchingKey) {
    return new KeyUnavailableError(`The issuer's JWKS has no key matching the token's kid and algorithm; the issuer may have rotated its keys.`, false, {
      cause: error,
    });
  }
  if (error instanceof joseErrors.JWKSTimeout || error instanceof joseErrors.JWKSInvalid || error instanceof TypeError) {
    return new KeyUnavailableError(`Trustline could not read the issuer's JWKS: ${failureText(error)}.`, true, { cause: error });
  }
  return new MalformedTokenError('it could not be verified', {}, { cause: error });
}

function claimError(error: joseErrors.JWTClaimValidationFailed, expected: OidcExpectations, now: number): JwtError {
  const payload: JWTPayload = error.payload;
  if (error.claim === 'iss') return new OidcWrongIssuerError(expected.issuer, payload.iss);
  if (error.claim === 'aud') return new OidcWrongAudienceError(expected.audience, payload.aud);
  if ((error.claim === 'nbf' || error.claim === 'iat') && error.reason === 'check_failed') {
    return new NotYetValidError(error.claim, Number(payload[error.claim]), now, DEFAULT_LEEWAY_SECONDS);
  }
  return new MalformedTokenError(`the ${error.claim} claim is ${error.reason === 'missing' ? 'missing' : 'not valid'}`, {
    expected: `a valid ${error.claim} claim`,
  });
}
