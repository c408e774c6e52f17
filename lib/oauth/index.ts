/** OAuth 2.0 mail integrations: settings, authorization, callback, tokens, refresh, connection test. */
export {
  PROVIDERS,
  STATUSES,
  createIntegrationInput,
  updateIntegrationInput,
  type CreateIntegrationInput,
  type Integration,
  type IntegrationStatus,
  type IntegrationView,
  type MailServer,
  type Provider,
  type UpdateIntegrationInput,
} from './integration.ts';
export { createIntegration, deleteIntegration, getIntegrationView, listIntegrationViews, patchIntegration, toView, type UpdateResult } from './integrations.ts';
export { startAuthorization, STATE_TTL_MS, OAUTH_STATE_ITEMS } from './authorize.ts';
export { INTEGRATION_ITEMS } from './integration-store.ts';
export { completeAuthorization, type CallbackOutcome } from './callback.ts';
export { getAccessToken, TOKEN_ACCESS_MARGIN_MS, type AccessToken } from './token-access.ts';
export { refreshIntegration, needsReauthorization, type RefreshResult } from './refresh.ts';
export { refreshLeaseName, REFRESH_LEASE_TTL_MS } from './refresh-lease.ts';
export { refreshDueAt, REFRESH_MARGIN_MS } from './due.ts';
export { runScheduledRefresh, refreshQueued, type RefreshRunReport, type RefreshOutcome } from './refresh-run.ts';
export { consumeRefreshMessages, type QueuedMessage } from './refresh-worker.ts';
export { refreshQueueFor, type RefreshQueue } from './refresh-queue.ts';
export { publishRunMetrics, publishBatchMetrics } from './refresh-metrics.ts';
export { FAILURE_CLASSES, classifyFailure, refreshPolicy, type FailureClass, type RefreshPolicy } from './refresh-policy.ts';
export { testConnection, type ConnectionTestReport, type TestStep } from './test-connection.ts';
export { redirectKey, redirectUrl, isRedirectKey } from './redirect-key.ts';
export { redirectWarnings, type RedirectWarning } from './redirect-warnings.ts';
export { presetFor, GOOGLE_MAIL_SCOPE, MICROSOFT_MAIL_SCOPES } from './presets/index.ts';
export { renderCallbackPage } from './callback-page.ts';
export type { OAuthServices } from './deps.ts';
export * from './errors.ts';
