import { errors as joseErrors, jwtVerify, type JWTPayload } from 'jose';
import { systemClock, type Clock } from '../store/ports.ts';
import { DEFAULT_LEEWAY_SECONDS } from './claims.ts';
import {
  AlgNotAllowedError,
  BadSignatureError,
  ExpiredError,
  JwtError,
  KeyUnavailableError,
  MalformedTokenError,
  NotYetValidError,
  WrongAudienceError,
  WrongIssuerError,
} from './errors.ts';
import { assertHttpsUrl, failureText, readLimited } from './key-fetch.ts';
import { createJwksCache, type JwksCache } from './jwks.ts';
import { decodeToken } from './token.ts';

/** Asymmetric algorithms an OIDC issuer may use; `none` and HMAC (alg confusion) never are. */
const ASYMMETRIC = new Set(['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA']);

export interface OidcVerifierOptions {
  /** Mandatory: the exact `iss` tokens must carry. */
  readonly issuer: string;
  /** Mandatory: the `aud` tokens must contain (one of these). */
  readonly audience: string | readonly string[];
  /** Allow-list; RS256 unless set. */
  readonly algorithms?: readonly string[];
  /** The JWKS URL; discovered from `<issuer>/.well-known/openid-configuration` when absent. */
  readonly jwksUri?: string;
  /** The fetch of THE shared TLS trust (`services().trust.fetch`). */
  readonly fetch: typeof globalThis.fetch;
  readonly clock?: Clock;
  readonly leewaySeconds?: number;
  readonly penaltySeconds?: number;
  /** Development only: accept plain-http issuer and JWKS URLs on loopback addresses. */
  readonly allowLoopbackHttp?: boolean;
}

/** A configuration mistake in the caller's code (missing issuer, unsafe algorithm): fails at creation, not per token. */
export class OidcConfigError extends TypeError {
  readonly code = 'INVALID_OIDC_CONFIG';
}

/**
 * The generic OIDC profile: issuer and audience mandatory, keys by `kid` from the issuer's JWKS
 * (cached, with a penalty box), an algorithm allow-list, exp required, leeway on time claims.
 */
export function createOidcVerifier(options: OidcVerifierOptions) {
  if (options.issuer === '') throw new OidcConfigError('An OIDC verifier needs the issuer it trusts.');
  const audience = typeof options.audience === 'string' ? [options.audience] : [...options.audience];
  if (audience.length === 0 || audience.some((a) => a === '')) throw new OidcConfigError('An OIDC verifier needs the audience tokens must be issued for.');
  const algorithms = [...(options.algorithms ?? ['RS256'])];
  const unsafe = algorithms.filter((alg) => !ASYMMETRIC.has(alg));
  if (algorithms.length === 0 || unsafe.length > 0) throw new OidcConfigError(`Not an asymmetric JWS algorithm: ${unsafe.join(', ') || '(none given)'}.`);
  try {
    assertHttpsUrl(options.jwksUri ?? options.issuer, options.allowLoopbackHttp === true, options.jwksUri === undefined ? 'The issuer (for discovery)' : 'The JWKS URL');
  } catch (error) {
    throw new OidcConfigError(error instanceof Error ? error.message : String(error));
  }
  const clock = options.clock ?? systemClock;
  const leeway = options.leewaySeconds ?? DEFAULT_LEEWAY_SECONDS;
  let jwks: Promise<JwksCache> | undefined;

  function keys(): Promise<JwksCache> {
    if (jwks !== undefined) return jwks;
    const created = resolveJwksUri().then((jwksUri) =>
      createJwksCache({
        jwksUri,
        fetch: options.fetch,
        clock,
        allowLoopbackHttp: options.allowLoopbackHttp === true,
        ...(options.penaltySeconds === undefined ? {} : { penaltySeconds: options.penaltySeconds }),
      }),
    );
    jwks = created;
    // A failed discovery is retried on the next token rather than remembered.
    created.catch(() => {
      if (jwks === created) jwks = undefined;
    });
    return created;
  }

  async function resolveJwksUri(): Promise<string> {
    if (options.jwksUri !== undefined) return options.jwksUri;
    const url = `${options.issuer.replace(/\/+$/, '')}/.well-known/openid-configuration`;
    try {
      const response = await options.fetch(url, { signal: AbortSignal.timeout(5000), headers: { accept: 'application/json' } });
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      const metadata = JSON.parse(await readLimited(response, 64 * 1024)) as { issuer?: unknown; jwks_uri?: unknown };
      if (metadata.issuer !== options.issuer) throw new Error(`it names the issuer ${JSON.stringify(metadata.issuer)}`);
      if (typeof metadata.jwks_uri !== 'string') throw new Error('it has no jwks_uri');
      assertHttpsUrl(metadata.jwks_uri, options.allowLoopbackHttp === true, 'Its jwks_uri');
      return metadata.jwks_uri;
    } catch (error) {
      throw new KeyUnavailableError(`Trustline could not use the OpenID configuration at ${url}: ${failureText(error)}.`, true, { cause: error });
    }
  }

  /** The verified claims; throws a JwtError with a stable code otherwise. */
  async function verify(token: unknown): Promise<JWTPayload> {
    const { header } = decodeToken(token);
    if (!algorithms.includes(header.alg)) throw new AlgNotAllowedError(algorithms, header.alg);
    const key = await (await keys()).getKey(header.kid, header.alg);
    try {
      const { payload } = await jwtVerify(token as string, key, {
        issuer: options.issuer,
        audience,
        algorithms,
        clockTolerance: leeway,
        currentDate: new Date(clock.now()),
        requiredClaims: ['exp'],
      });
      return payload;
    } catch (error) {
      throw fromJose(error, decodeToken(token).payload, audience, options.issuer, clock.now(), leeway);
    }
  }

  return { verify };
}

export type OidcVerifier = ReturnType<typeof createOidcVerifier>;

/** jose's failure as the same typed error the Connect verifier uses. */
function fromJose(error: unknown, payload: Record<string, unknown>, audience: string[], issuer: string, nowMs: number, leeway: number): JwtError {
  const now = Math.floor(nowMs / 1000);
  if (error instanceof joseErrors.JWSSignatureVerificationFailed) return new BadSignatureError(typeof payload.iss === 'string' ? payload.iss : issuer);
  if (error instanceof joseErrors.JWTExpired) return new ExpiredError(Number(payload.exp), now, leeway);
  if (error instanceof joseErrors.JWTClaimValidationFailed) {
    if (error.claim === 'iss') return new WrongIssuerError(issuer, String(payload.iss));
    if (error.claim === 'aud') return new WrongAudienceError(audience.join(' or '), payload.aud);
    if (error.claim === 'nbf' && error.reason === 'check_failed') return new NotYetValidError('nbf', Number(payload.nbf), now, leeway);
    if (error.claim === 'iat' && error.reason === 'check_failed') return new NotYetValidError('iat', Number(payload.iat), now, leeway);
    return new MalformedTokenError(`the ${error.claim} claim is ${error.reason === 'missing' ? 'missing' : 'not valid'}`, {}, { cause: error });
  }
  if (error instanceof joseErrors.JOSEAlgNotAllowed) return new AlgNotAllowedError([], undefined);
  return new MalformedTokenError('it could not be verified', {}, { cause: error });
}
