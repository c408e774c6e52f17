/**
 * Typed JWT failures. Every class has a stable `code` other tools match on, a message a Jira
 * administrator understands, and structured `expected` / `actual` / `fix` fields. No message,
 * field or cause ever carries a token, a shared secret or a private key.
 */

import { TrustlineError, type ErrorDetails, type ErrorCategory } from '../errors.ts';

export type JwtErrorCode =
  | 'MISSING_TOKEN'
  | 'MALFORMED'
  | 'UNKNOWN_ISSUER'
  | 'WRONG_ISSUER'
  | 'BAD_SIGNATURE'
  | 'EXPIRED'
  | 'NOT_YET_VALID'
  | 'MISSING_QSH'
  | 'QSH_MISMATCH'
  | 'WRONG_AUDIENCE'
  | 'KEY_UNAVAILABLE'
  | 'ALG_NOT_ALLOWED'
  | 'INVALID_OIDC_REQUEST'
  | 'TOKEN_REPLAYED'
  | 'LIFECYCLE_OUT_OF_ORDER';

/** A proxy transformation that explains a qsh mismatch, found by lib/jwt/diagnosis. */
export interface Diagnosis {
  /** Plain words: what happened to the URL between the signer and Trustline. */
  readonly explanation: string;
  /** Stable id of the transformation family and variant (`apache-mod-proxy/decoded-path`). */
  readonly matchedTransformation: string;
  /** What to change, concretely. */
  readonly fix: string;
}

/** Base of every JWT failure: the token is refused unless a subclass says otherwise. */
export class JwtError extends TrustlineError {
  override readonly category: ErrorCategory = 'unauthorized';
  constructor(
    readonly code: JwtErrorCode,
    message: string,
    details: ErrorDetails = {},
    options?: ErrorOptions,
  ) {
    super(message, details, options);
  }
}

export class MissingTokenError extends JwtError {
  constructor() {
    super('MISSING_TOKEN', 'The request carries no JWT: Connect sends it in the Authorization header (scheme "JWT") or in the "jwt" query parameter.', {
      fix: 'Make sure every proxy in front of the app forwards the Authorization header and the query string unchanged.',
    });
  }
}

export class MalformedTokenError extends JwtError {
  constructor(reason: string, details: ErrorDetails = {}, options?: ErrorOptions) {
    super('MALFORMED', `The JWT is not well-formed: ${reason}.`, details, options);
  }
}

export class UnknownIssuerError extends JwtError {
  constructor(readonly issuer: string) {
    super('UNKNOWN_ISSUER', `No Connect installation is known for the client key "${issuer}" named by the token's iss claim.`, {
      actual: issuer,
      fix: 'Install (or reinstall) the app on that site so Trustline receives its "installed" callback and shared secret.',
    });
  }
}

export class WrongIssuerError extends JwtError {
  constructor(expected: string, actual: string) {
    super('WRONG_ISSUER', `The token was issued by "${actual}" but the request is about the client "${expected}".`, {
      expected,
      actual,
      fix: 'The lifecycle payload and its token must come from the same site; retry the installation from that site.',
    });
  }
}

export class BadSignatureError extends JwtError {
  constructor(issuer: string) {
    super('BAD_SIGNATURE', `The token's signature does not match the key Trustline holds for "${issuer}".`, {
      fix: 'If the app was reinstalled recently, make sure the latest "installed" callback reached Trustline; otherwise the token was altered.',
    });
  }
}

export class ExpiredError extends JwtError {
  constructor(expiredAt: number, now: number, leewaySeconds: number) {
    super('EXPIRED', `The token expired at ${iso(expiredAt)}, ${now - expiredAt} s ago (more than the ${leewaySeconds} s allowed for clock skew).`, {
      expected: `exp after ${iso(now - leewaySeconds)}`,
      actual: iso(expiredAt),
      fix: 'Reload the page for a fresh token; if it keeps happening, synchronise the clocks (NTP) of Jira and Trustline.',
    });
  }
}

export class NotYetValidError extends JwtError {
  constructor(claim: 'nbf' | 'iat', validFrom: number, now: number, leewaySeconds: number) {
    super(
      'NOT_YET_VALID',
      `The token's ${claim} claim lies ${validFrom - now} s in the future (${iso(validFrom)}), more than the ${leewaySeconds} s allowed for clock skew.`,
      {
        expected: `${claim} before ${iso(now + leewaySeconds)}`,
        actual: iso(validFrom),
        fix: 'Synchronise the clocks (NTP) of the signing server and Trustline.',
      },
    );
  }
}

export class MissingQshError extends JwtError {
  constructor() {
    super('MISSING_QSH', 'The token has no qsh claim, so it is not bound to any request.', {
      fix: 'Atlassian Connect request tokens always carry qsh; check that the caller signs Connect tokens and not some other JWT.',
    });
  }
}

export class QshMismatchError extends JwtError {
  constructor(
    /** The qsh this request hashes to. */
    readonly expectedQsh: string,
    /** The qsh the token carries (or `context-qsh`). */
    readonly receivedQsh: string,
    readonly canonicalRequest: string,
    readonly diagnosis: Diagnosis | undefined,
    reason?: string,
  ) {
    super(
      'QSH_MISMATCH',
      reason ??
        `The token was signed for a different request: its qsh is ${receivedQsh} but this request (canonical form "${canonicalRequest}") hashes to ${expectedQsh}.` +
          (diagnosis === undefined ? ' No known proxy transformation explains the difference.' : ` ${diagnosis.explanation}`),
      {
        expected: expectedQsh,
        actual: receivedQsh,
        fix: diagnosis?.fix ?? 'Make sure every proxy forwards the request path and query exactly as the browser sent them.',
      },
    );
  }
}

export class WrongAudienceError extends JwtError {
  constructor(expected: string, actual: unknown) {
    super('WRONG_AUDIENCE', `The token is addressed to ${JSON.stringify(actual ?? null)}, not to this app's base URL "${expected}".`, {
      expected,
      actual,
      fix: "Set TRUSTLINE_PUBLIC_URL to exactly the baseUrl of the app's Connect descriptor.",
    });
  }
}

export class KeyUnavailableError extends JwtError {
  /** Unavailable (503) while the key server cannot be reached, so Jira retries; a key it does not know is a refusal. */
  override readonly category: ErrorCategory;
  constructor(
    message: string,
    /** True when the key server could not be reached: trying again later may work. */
    readonly retryable: boolean,
    options?: ErrorOptions,
  ) {
    super(
      'KEY_UNAVAILABLE',
      message,
      {
        fix: retryable
          ? 'Check that Trustline can reach the key server (proxy, firewall, truststore), then retry.'
          : 'Retry the installation from the site; the token names a key the key server does not know.',
      },
      options,
    );
    this.category = retryable ? 'unavailable' : 'unauthorized';
  }
}

export class AlgNotAllowedError extends JwtError {
  constructor(allowed: readonly string[], actual: unknown) {
    super('ALG_NOT_ALLOWED', `The token is signed with ${JSON.stringify(actual ?? null)}; only ${allowed.join(', ')} is accepted here.`, {
      expected: allowed,
      actual,
      fix: 'Atlassian Connect signs requests with HS256 and lifecycle callbacks with RS256; any other algorithm is refused.',
    });
  }
}

/** A lifecycle token that was already used: its body (not covered by the signature) could have been swapped. */
export class TokenReplayedError extends JwtError {
  constructor() {
    super('TOKEN_REPLAYED', 'This lifecycle token was already used; each one is accepted once.', {
      fix: 'Jira sends a fresh token with every lifecycle call: retry the installation from the site.',
    });
  }
}

/** A lifecycle call signed before the installation Trustline holds: an old token replayed, or calls out of order. */
export class LifecycleOutOfOrderError extends JwtError {
  constructor(tokenIssuedAt: number, installedWith: number) {
    super(
      'LIFECYCLE_OUT_OF_ORDER',
      `This lifecycle token was issued at ${iso(tokenIssuedAt)}, before the token of the installation Trustline holds (${iso(installedWith)}).`,
      {
        expected: `a token issued after ${iso(installedWith)}`,
        actual: iso(tokenIssuedAt),
        fix: 'Retry the installation from the site: Jira signs a fresh token for each call.',
      },
    );
  }
}

function iso(seconds: number): string {
  const date = new Date(seconds * 1000);
  return Number.isNaN(date.getTime()) ? String(seconds) : date.toISOString();
}
