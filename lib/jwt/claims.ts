import { ExpiredError, MalformedTokenError, NotYetValidError, WrongAudienceError } from './errors.ts';
import type { JwtPayload } from './token.ts';

/** Clock skew allowed on exp, nbf and iat, as Jira's Java JwtReader allows. */
export const DEFAULT_LEEWAY_SECONDS = 30;

/** A claim that must be a non-empty string. */
export function requireString(payload: JwtPayload, claim: string): string {
  const value = payload[claim];
  if (typeof value !== 'string' || value === '')
    throw new MalformedTokenError(`the ${claim} claim is missing or not a string`, { expected: `a ${claim} claim` });
  return value;
}

/** A NumericDate claim (seconds since the epoch); undefined when absent and not required. */
function numericDate(payload: JwtPayload, claim: string, required: boolean): number | undefined {
  const value = payload[claim];
  if (value === undefined && !required) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new MalformedTokenError(`the ${claim} claim is ${value === undefined ? 'missing' : 'not a number of seconds'}`, {
      expected: `a numeric ${claim} claim`,
    });
  }
  return value;
}

/**
 * Checks `exp` and `iat` (both required) and `nbf` (when present) against now with the
 * leeway: expired when now >= exp + leeway; not yet valid when nbf or iat lie beyond now + leeway.
 */
export function checkTimes(payload: JwtPayload, nowMs: number, leewaySeconds: number): void {
  const now = Math.floor(nowMs / 1000);
  const exp = numericDate(payload, 'exp', true) ?? 0;
  const iat = numericDate(payload, 'iat', true) ?? 0;
  const nbf = numericDate(payload, 'nbf', false);
  if (now >= exp + leewaySeconds) throw new ExpiredError(exp, now, leewaySeconds);
  if (nbf !== undefined && nbf > now + leewaySeconds) throw new NotYetValidError('nbf', nbf, now, leewaySeconds);
  if (iat > now + leewaySeconds) throw new NotYetValidError('iat', iat, now, leewaySeconds);
}

/** Compares URLs the way Connect does for `aud`: a trailing slash is not significant. */
export function sameBaseUrl(a: string, b: string): boolean {
  return a.replace(/\/+$/, '') === b.replace(/\/+$/, '');
}

/** Requires `aud` (a string or an array whose first entry counts, as in ACE) to be `baseUrl`. */
export function checkAudience(payload: JwtPayload, baseUrl: string): void {
  const aud = payload.aud;
  const first = Array.isArray(aud) ? (aud[0] as unknown) : aud;
  if (typeof first !== 'string' || !sameBaseUrl(first, baseUrl)) throw new WrongAudienceError(baseUrl, aud);
}
