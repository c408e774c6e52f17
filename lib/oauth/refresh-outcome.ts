import { type Alert, logger } from '../observe/index.ts';
import { type ItemWrite, StoreError, type StoredItem } from '../store/index.ts';
import type { OAuthServices } from './deps.ts';
import { OAuthError } from './errors.ts';
import type { Integration, IntegrationStatus, LastError } from './integration.ts';
import { type UpdateOptions, integrationItem, updateIntegration } from './integration-store.ts';
import { type FailureClass, type RefreshPolicy, backoffMs, classifyFailure, needsHuman, retryAfterMs } from './refresh-policy.ts';
import type { StoredTokens } from './token-store.ts';
import { trustlineCommand } from '../shell-quote.ts';

type OutcomeDeps = Pick<OAuthServices, 'metadata' | 'clock' | 'alerts'>;

/**
 * The integration after one more failed refresh: `lastError`, the consecutive-failure count, the
 * next scheduled attempt (which becomes its `dueAt`), and the status — `needs-reauthorization` at
 * once for a grant the provider no longer accepts, `refresh-failing` after `failingAfter`
 * transient failures in a row.
 */
export function failedState(current: Integration, error: unknown, now: number, policy: RefreshPolicy): Integration {
  const failureClass = classifyFailure(error);
  const at = new Date(now).toISOString();
  const lastError = lastErrorOf(error, at);
  const { nextRefreshAttemptAt: _previous, ...rest } = current;
  // A re-authorization clears lastError (callback.ts): an older count must not carry over.
  const failures = (current.lastError === undefined ? 0 : (current.refreshFailures ?? 0)) + 1;
  if (needsHuman(failureClass)) return { ...rest, status: 'needs-reauthorization', lastError, refreshFailures: failures, updatedAt: at };
  const status: IntegrationStatus = current.status === 'authorized' && failures >= policy.failingAfter ? 'refresh-failing' : current.status;
  const nextAttempt = now + backoffMs(failures, retryAfterMs(error, now), policy);
  return { ...rest, status, lastError, refreshFailures: failures, nextRefreshAttemptAt: new Date(nextAttempt).toISOString(), updatedAt: at };
}

/** The integration after a successful refresh: authorized, failure state cleared. */
export function refreshedState(current: Integration, tokens: StoredTokens): Integration {
  const at = new Date(tokens.obtainedAt).toISOString();
  const { lastError: _e, refreshFailures: _f, nextRefreshAttemptAt: _n, accessTokenExpiresAt: _x, ...rest } = current;
  return {
    ...rest,
    status: 'authorized',
    lastRefreshAt: at,
    ...(tokens.expiresAt === undefined ? {} : { accessTokenExpiresAt: new Date(tokens.expiresAt).toISOString() }),
    updatedAt: at,
  };
}

/**
 * Applies `change` to the integration (see updateIntegration; `read` spares a second read) and
 * returns it with the status it had before, so that a change of status raises one alert.
 */
async function applyOutcome(
  deps: OutcomeDeps,
  integrationId: string,
  change: (current: Integration) => Integration,
  options: UpdateOptions,
): Promise<{ updated: Integration; before: IntegrationStatus | undefined }> {
  let before: IntegrationStatus | undefined;
  const updated = await updateIntegration(
    deps.metadata,
    integrationId,
    (current) => {
      before = current.status;
      return change(current);
    },
    options,
  );
  return { updated, before };
}

/** Records a failed refresh on the integration and raises one alert when its status changed. */
export async function recordRefreshFailure(
  deps: OutcomeDeps,
  integrationId: string,
  error: unknown,
  policy: RefreshPolicy,
  read?: StoredItem<Integration>,
): Promise<Integration> {
  const { updated, before } = await applyOutcome(deps, integrationId, (current) => failedState(current, error, deps.clock.now(), policy), { read });
  const failureClass = classifyFailure(error);
  logger.warn('OAuth refresh failed', {
    integrationId,
    failureClass,
    status: updated.status,
    consecutiveFailures: updated.refreshFailures,
    nextAttemptAt: updated.nextRefreshAttemptAt,
    errorCode: updated.lastError?.code,
  });
  if (before !== undefined && before !== updated.status) await publish(deps, statusAlert(updated, failureClass));
  return updated;
}

/** Records a successful refresh; an integration that was failing raises one "recovered" alert. */
export async function recordRefreshSuccess(
  deps: OutcomeDeps,
  integrationId: string,
  tokens: StoredTokens,
  read?: StoredItem<Integration>,
): Promise<Integration> {
  const { updated, before } = await applyOutcome(deps, integrationId, (current) => refreshedState(current, tokens), { read });
  if (before !== undefined) await announceRefreshSuccess(deps, before, updated);
  return updated;
}

/**
 * The write recordRefreshSuccess would make on the integration as read, for a store that writes
 * it in the same commit as the new tokens (refresh.ts): conditional on the version read.
 */
export function refreshSuccessWrite(read: StoredItem<Integration>, tokens: StoredTokens): ItemWrite<Integration> {
  return { item: integrationItem(refreshedState(read.data, tokens)), condition: { expectedVersion: read.version } };
}

/** The "recovered" alert of a success recorded on an integration whose status was `before`, if the status changed. */
export async function announceRefreshSuccess(deps: OutcomeDeps, before: IntegrationStatus, updated: Integration): Promise<void> {
  if (before !== updated.status) await publish(deps, statusAlert(updated, undefined));
}

/** The alert for the integration's new status. */
export function statusAlert(integration: Integration, failureClass: FailureClass | undefined): Alert {
  const key = `integration:${integration.id}`;
  const details = { integrationId: integration.id, status: integration.status, failureClass, lastErrorCode: integration.lastError?.code };
  const last = integration.lastError === undefined ? '' : ` Last error: ${integration.lastError.message}`;
  switch (integration.status) {
    case 'needs-reauthorization':
      return {
        key,
        severity: 'critical',
        subject: `OAuth integration "${integration.name}" needs re-authorization`,
        message: `The provider no longer accepts this integration's grant, so mail stops until someone signs in again.${last} Fix: \`${trustlineCommand('integrations', 'authorize', integration.name)}\`.`,
        details,
      };
    case 'refresh-failing':
      return {
        key,
        severity: 'warning',
        subject: `OAuth integration "${integration.name}" is refresh-failing`,
        message: `${integration.refreshFailures ?? 0} token refreshes in a row failed; Trustline keeps retrying (next attempt ${integration.nextRefreshAttemptAt ?? 'at the next run'}).${last}`,
        details,
      };
    default:
      return {
        key,
        severity: 'info',
        subject: `OAuth integration "${integration.name}" is ${integration.status} again`,
        message: 'The token refresh works again.',
        details,
      };
  }
}

async function publish(deps: OutcomeDeps, alert: Alert): Promise<void> {
  try {
    await deps.alerts.publish(alert);
  } catch (error) {
    // The state change is recorded on the integration; a lost alert must not fail the refresh.
    logger.error('Could not publish the alert', { alertKey: alert.key, error: error as Error });
  }
}

/** `lastError` for any failure: Trustline's own errors keep their code and message; others get a safe summary. */
function lastErrorOf(error: unknown, at: string): LastError {
  if (error instanceof OAuthError || error instanceof StoreError) return { code: error.code, message: error.message, at };
  return { code: 'REFRESH_FAILED', message: 'The refresh failed unexpectedly; the Trustline logs have the details.', at };
}
