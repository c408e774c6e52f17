import { describe, expect, it } from 'vitest';
import { refreshDueAt } from '../../lib/oauth/due.ts';
import { RefreshBusyError, TokenEndpointError } from '../../lib/oauth/errors.ts';
import type { Integration } from '../../lib/oauth/integration.ts';
import { failedState, refreshedState } from '../../lib/oauth/refresh-outcome.ts';
import { DEFAULT_REFRESH_POLICY, type RefreshPolicy, accessTokenExpiry, backoffMs, classifyFailure } from '../../lib/oauth/refresh-policy.ts';
import { StoreThrottledError } from '../../lib/store/errors.ts';

const NOW = Date.UTC(2026, 0, 1, 12);
const MINUTE = 60_000;
const policy = (random: number, overrides: Partial<RefreshPolicy> = {}): RefreshPolicy => ({ ...DEFAULT_REFRESH_POLICY, random: () => random, ...overrides });

const rejected = (providerError: string) => new TokenEndpointError('rejected', `answered 400 ${providerError}`, providerError, 400);
const serverError = (status: number) => new TokenEndpointError('server-error', `answered ${status}`, undefined, status);

function integration(overrides: Partial<Integration> = {}): Integration {
  const at = new Date(NOW - 60 * MINUTE).toISOString();
  return {
    id: 'int-1',
    provider: 'custom',
    name: 'Support mailbox',
    clientId: 'client',
    clientSecretSet: true,
    scopes: ['mail'],
    authorizationEndpoint: 'https://as.example/auth',
    tokenEndpoint: 'https://as.example/token',
    issuer: 'https://as.example',
    redirectKey: 'k',
    status: 'authorized',
    accessTokenExpiresAt: new Date(NOW + 60 * MINUTE).toISOString(),
    lastRefreshAt: at,
    authorizedAt: at,
    createdAt: at,
    updatedAt: at,
    ...overrides,
  };
}

describe('failure classes', () => {
  it.each(['invalid_grant', 'invalid_client', 'unauthorized_client'])('sends %s to a human (reauthorize)', (providerError) => {
    expect(classifyFailure(rejected(providerError))).toBe('reauthorize');
  });

  it('keeps other OAuth refusals retryable (invalid_scope is rejected, not reauthorize)', () => {
    expect(classifyFailure(rejected('invalid_scope'))).toBe('rejected');
  });

  it('tells rate limiting, server errors, unreachable endpoints, lease contention and store failures apart', () => {
    expect(classifyFailure(serverError(429))).toBe('rate-limited');
    expect(classifyFailure(serverError(502))).toBe('server-error');
    expect(classifyFailure(new TokenEndpointError('unreachable', 'no route', undefined, undefined))).toBe('network');
    expect(classifyFailure(new RefreshBusyError('int-1'))).toBe('busy');
    expect(classifyFailure(new StoreThrottledError('PutSecretValue'))).toBe('store');
    expect(classifyFailure(new Error('bug'))).toBe('unexpected');
  });
});

describe('backoff across runs', () => {
  it('waits between half and all of base x 2^(failures-1)', () => {
    expect(backoffMs(1, undefined, policy(0))).toBe(2.5 * MINUTE);
    expect(backoffMs(1, undefined, policy(0.999999))).toBeCloseTo(5 * MINUTE, -2);
    expect(backoffMs(3, undefined, policy(0))).toBe(10 * MINUTE);
  });

  it('never exceeds the maximum however many failures', () => {
    expect(backoffMs(40, undefined, policy(0.999999))).toBeLessThanOrEqual(DEFAULT_REFRESH_POLICY.backoffMaxMs);
  });

  it("waits at least the provider's Retry-After", () => {
    expect(backoffMs(1, 2 * 3600_000, policy(0))).toBe(2 * 3600_000);
  });

  it('caps an absurd Retry-After', () => {
    expect(backoffMs(1, 30 * 24 * 3600_000, policy(0))).toBe(DEFAULT_REFRESH_POLICY.retryAfterMaxMs);
  });
});

describe('integration state after a failure', () => {
  it('stays authorized with lastError and a scheduled retry below the threshold', () => {
    const next = failedState(integration(), serverError(503), NOW, policy(0));
    expect(next).toMatchObject({ status: 'authorized', refreshFailures: 1, lastError: { code: 'TOKEN_ENDPOINT_FAILED' } });
    expect(Date.parse(next.nextRefreshAttemptAt ?? '')).toBe(NOW + 2.5 * MINUTE);
  });

  it('becomes refresh-failing at the Nth consecutive failure', () => {
    let current = integration();
    for (let i = 0; i < 3; i++) current = failedState(current, serverError(500), NOW, policy(0));
    expect(current).toMatchObject({ status: 'refresh-failing', refreshFailures: 3 });
  });

  it('needs re-authorization at once on invalid_grant, with no scheduled retry', () => {
    const next = failedState(integration(), rejected('invalid_grant'), NOW, policy(0));
    expect(next.status).toBe('needs-reauthorization');
    expect(next.nextRefreshAttemptAt).toBeUndefined();
    expect(refreshDueAt(next)).toBeUndefined();
  });

  it('restarts the count after a re-authorization cleared lastError', () => {
    const next = failedState(integration({ refreshFailures: 7 }), serverError(500), NOW, policy(0));
    expect(next.refreshFailures).toBe(1);
  });

  it('clears the failure state on success', () => {
    const failing = failedState(
      integration({ status: 'refresh-failing', refreshFailures: 4, lastError: { code: 'X', message: 'x', at: '' } }),
      serverError(500),
      NOW,
      policy(0),
    );
    const recovered = refreshedState(failing, { accessToken: 'a', refreshToken: 'r', tokenType: 'Bearer', expiresAt: NOW + 3600_000, obtainedAt: NOW });
    expect(recovered).toMatchObject({ status: 'authorized', lastRefreshAt: new Date(NOW).toISOString() });
    expect(recovered).not.toHaveProperty('lastError');
    expect(recovered).not.toHaveProperty('refreshFailures');
    expect(recovered).not.toHaveProperty('nextRefreshAttemptAt');
  });
});

describe('due time', () => {
  it('is the backoff time while a failure is recorded', () => {
    const next = failedState(integration({ accessTokenExpiresAt: new Date(NOW + 5 * MINUTE).toISOString() }), serverError(500), NOW, policy(0));
    expect(refreshDueAt(next)).toBe(NOW + 2.5 * MINUTE);
  });

  it('is 15 minutes before expiry, or 24 hours after the last refresh when that comes first', () => {
    expect(refreshDueAt(integration())).toBe(NOW + 45 * MINUTE);
    const idle = integration({ accessTokenExpiresAt: new Date(NOW + 48 * 3600_000).toISOString() });
    expect(refreshDueAt(idle)).toBe(NOW - 60 * MINUTE + 24 * 3600_000);
  });
});

describe('default lifetime', () => {
  it('uses expires_in when the provider sends it', () => {
    expect(accessTokenExpiry(NOW, 60, DEFAULT_REFRESH_POLICY)).toBe(NOW + 60_000);
  });

  it('assumes the configured lifetime when the provider omits expires_in', () => {
    expect(accessTokenExpiry(NOW, undefined, { defaultTokenLifetimeMs: 1800_000 })).toBe(NOW + 1800_000);
  });
});
