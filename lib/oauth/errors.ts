/**
 * Errors of the OAuth integrations capability. Each has a stable `code`, a message a Jira
 * administrator understands, and where it helps `expected`, `actual` and `fix`. Messages never
 * carry a client secret, code or token.
 */

import { type ErrorCategory, TrustlineError } from '../errors.ts';
import { isLoopbackHttp } from './loopback.ts';
import { trustlineCommand } from '../shell-quote.ts';

export interface OAuthErrorDetails {
  readonly expected?: string;
  readonly actual?: string;
  readonly fix?: string;
}

/** Base of every error of lib/oauth. */
export class OAuthError extends TrustlineError {
  constructor(
    readonly code: string,
    override readonly category: ErrorCategory,
    message: string,
    details: OAuthErrorDetails = {},
    options?: ErrorOptions,
  ) {
    super(message, details, options);
  }
}

/** The setting the error is about, as an extra field of the answer. */
const withField = (fields: Readonly<Record<string, unknown>>, field: string) => ({ ...fields, field });

export class IntegrationNotFoundError extends OAuthError {
  constructor(readonly integrationId: string) {
    super('INTEGRATION_NOT_FOUND', 'not-found', `There is no OAuth 2.0 integration with id "${integrationId}".`, {
      fix: `List the integrations with \`${trustlineCommand('integrations', 'list')}\`.`,
    });
  }
}

export class IntegrationNameTakenError extends OAuthError {
  constructor(readonly integrationName: string) {
    super('INTEGRATION_NAME_TAKEN', 'conflict', `An integration named "${integrationName}" already exists; names must be unique.`, {
      fix: 'Choose another name, or edit the existing integration.',
    });
  }
}

/** A setting that is well-formed but not acceptable (plain http, preset conflict, ...). */
export class InvalidIntegrationError extends OAuthError {
  constructor(
    readonly field: string,
    message: string,
    details: OAuthErrorDetails = {},
  ) {
    super('INVALID_INTEGRATION', 'invalid-input', message, details);
  }

  override fields() {
    return withField(super.fields(), this.field);
  }
}

export class InsecureEndpointError extends OAuthError {
  constructor(
    readonly field: string,
    url: string,
  ) {
    super('INSECURE_ENDPOINT', 'invalid-input', `The ${field} must use HTTPS; "${url}" does not.`, {
      expected: 'an https:// URL',
      actual: url,
      fix: isLoopbackHttp(url)
        ? "This is a loopback address: for development against a provider on this machine, start Trustline with TRUSTLINE_DEV_ALLOW_LOOPBACK_HTTP=1; otherwise use the provider's HTTPS endpoint."
        : "Use the provider's HTTPS endpoint. Plain http is accepted only for loopback addresses with TRUSTLINE_DEV_ALLOW_LOOPBACK_HTTP=1 (development).",
    });
  }

  override fields() {
    return withField(super.fields(), this.field);
  }
}

/** Changed by someone else between read and write, more often than the retries allow. */
export class IntegrationConflictError extends OAuthError {
  constructor(
    readonly integrationId: string,
    options?: ErrorOptions,
  ) {
    super('INTEGRATION_CHANGED', 'conflict', `The integration "${integrationId}" kept changing while it was being updated; try again.`, {}, options);
  }
}

export class NotAuthorizedError extends OAuthError {
  constructor(
    readonly integrationId: string,
    status: string,
  ) {
    super('NOT_AUTHORIZED', 'conflict', `The integration "${integrationId}" holds no usable tokens (status ${status}).`, {
      expected: 'status authorized',
      actual: status,
      fix: `Authorize it: \`${trustlineCommand('integrations', 'authorize', integrationId)}\`, then open the printed URL and sign in at the provider.`,
    });
  }
}

export class ClientSecretMissingError extends OAuthError {
  constructor(readonly integrationId: string) {
    super('CLIENT_SECRET_MISSING', 'conflict', `The integration "${integrationId}" has no client secret stored.`, {
      fix: `Set it again: trustline integrations update ${integrationId} --client-secret-file <file holding the secret> (over HTTP: PATCH /admin/integrations/${integrationId} with {"clientSecret": "…"}).`,
    });
  }
}

/** Another caller holds the refresh lease and did not finish within the wait. */
export class RefreshBusyError extends OAuthError {
  constructor(readonly integrationId: string) {
    super('REFRESH_IN_PROGRESS', 'unavailable', `Another refresh of the integration "${integrationId}" is still running; try again in a few seconds.`);
  }
}

/** What went wrong on the way back from the provider: shown on the callback page and kept as `lastError`. */
export class CallbackError extends OAuthError {
  constructor(code: string, message: string, details: OAuthErrorDetails = {}, options?: ErrorOptions) {
    super(code, 'invalid-input', message, details, options);
  }
}

/** The callback page adds the exact command, with the integration's name when it is known. */
const START_AGAIN = 'Start the sign-in again from Trustline, which prints a fresh sign-in link.';

export class StateUnknownError extends CallbackError {
  constructor() {
    super('STATE_UNKNOWN', 'This sign-in answer does not belong to any authorization Trustline started.', {
      fix: `${START_AGAIN} Do not bookmark or share the provider's sign-in page.`,
    });
  }
}

export class StateExpiredError extends CallbackError {
  constructor(minutes: number) {
    super('STATE_EXPIRED', `The sign-in took longer than the ${minutes} minutes Trustline allows.`, { fix: START_AGAIN });
  }
}

export class StateReplayedError extends CallbackError {
  /** The integration the used state belonged to, so the page can name it. */
  constructor(readonly integrationId?: string) {
    super('STATE_REPLAYED', 'This sign-in answer was already used once; each one is single-use.', {
      fix: `If the integration is not authorized yet: ${START_AGAIN}`,
    });
  }
}

export class RedirectMismatchError extends CallbackError {
  constructor() {
    super('REDIRECT_URL_CHANGED', "The integration's endpoints changed after this sign-in started, so its redirect URL changed too.", {
      fix: `Register the new redirect URL at the provider, then: ${START_AGAIN}`,
    });
  }
}

/** A valid sign-in answer that came back to the redirect URL of another integration than the one it was started for. */
export class StateForOtherIntegrationError extends CallbackError {
  constructor(integrationName: string, expectedRedirectUrl: string) {
    super(
      'STATE_FOR_OTHER_INTEGRATION',
      `This sign-in was started for the integration "${integrationName}", but the provider sent the browser back to the redirect URL of another integration.`,
      {
        expected: expectedRedirectUrl,
        fix: `Register ${expectedRedirectUrl} as the redirect URL of "${integrationName}"'s application at the provider, then start the sign-in again from Trustline.`,
      },
    );
  }
}

export class ProviderDeniedError extends CallbackError {
  constructor(
    readonly providerError: string,
    readonly providerDescription: string | undefined,
  ) {
    super('PROVIDER_DENIED', `The provider did not grant access (${providerError}${providerDescription === undefined ? '' : `: ${providerDescription}`}).`, {
      actual: providerError,
      fix:
        providerError === 'access_denied'
          ? 'Sign in with the mailbox account and accept the requested permissions; an administrator may have to approve the application first.'
          : 'Check the client ID, the scopes and the redirect URL registered at the provider, then start again.',
    });
  }
}

export class MissingCodeError extends CallbackError {
  constructor() {
    super('MISSING_CODE', 'The provider came back without an authorization code.', {
      expected: 'a code parameter',
      fix: `Check that the application is registered for the authorization code flow. ${START_AGAIN}`,
    });
  }
}

export class InvalidAuthorizationResponseError extends CallbackError {
  constructor(reason: string, options?: ErrorOptions) {
    super(
      'INVALID_AUTHORIZATION_RESPONSE',
      `The provider's answer failed Trustline's checks: ${reason}.`,
      {
        fix: "Check the integration's issuer against the provider's documentation, then start again.",
      },
      options,
    );
  }
}

export class NoRefreshTokenError extends CallbackError {
  constructor(provider: string) {
    super('NO_REFRESH_TOKEN', 'The provider issued an access token but no refresh token, so Trustline could not keep the connection alive.', {
      expected: 'a refresh_token in the token response',
      fix:
        provider === 'google'
          ? 'Google issues a refresh token only at consent: Trustline sends access_type=offline and prompt=consent; remove the app at myaccount.google.com/permissions and authorize again.'
          : provider === 'microsoft'
            ? 'Microsoft issues a refresh token only with the offline_access scope: keep it in the scopes and authorize again.'
            : 'Ask the provider for offline access: add the offline_access scope (and prompt=consent where the provider needs it), then authorize again.',
    });
  }
}

/** Why a token-endpoint call failed; `rejected` means the grant or client is no longer accepted. */
export type TokenFailureReason = 'rejected' | 'server-error' | 'unreachable' | 'invalid-response';

export class TokenEndpointError extends OAuthError {
  constructor(
    readonly reason: TokenFailureReason,
    message: string,
    readonly providerError: string | undefined,
    readonly httpStatus: number | undefined,
    details: OAuthErrorDetails = {},
    options?: ErrorOptions,
  ) {
    super('TOKEN_ENDPOINT_FAILED', 'upstream', message, details, options);
  }
}
