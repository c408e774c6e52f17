/** Failures of the OIDC profile whose words differ from the Connect ones; the codes are the same stable JWT codes. */
import { JwtError } from './errors.ts';

/** The request cannot be checked as asked (issuer or JWKS URL not https, empty audience): bad input, not a bad token. */
export class OidcRequestError extends JwtError {
  override readonly category = 'invalid-input';
  constructor(message: string, fix: string) {
    super('INVALID_OIDC_REQUEST', message, { fix });
  }
}

export class OidcWrongIssuerError extends JwtError {
  constructor(expected: string, actual: unknown) {
    super('WRONG_ISSUER', `The token was issued by ${JSON.stringify(actual ?? null)}, not by the expected issuer "${expected}".`, {
      expected,
      actual,
      fix: 'Check which identity provider (and which tenant or realm) issued the token; the issuer must match exactly, trailing slash included.',
    });
  }
}

export class OidcWrongAudienceError extends JwtError {
  constructor(expected: string, actual: unknown) {
    super('WRONG_AUDIENCE', `The token is addressed to ${JSON.stringify(actual ?? null)}, not to "${expected}".`, {
      expected,
      actual,
      fix: 'Ask the identity provider for a token for this audience (the client ID or the API identifier the token is meant for).',
    });
  }
}

export class OidcBadSignatureError extends JwtError {
  constructor(issuer: string) {
    super('BAD_SIGNATURE', `The token's signature does not verify with the key "${issuer}" publishes for it.`, {
      fix: 'The token was altered, or it was signed by another issuer using the same key id.',
    });
  }
}
