import * as client from 'openid-client';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { refreshDueAt } from '../../lib/oauth/due.ts';
import { TokenEndpointError } from '../../lib/oauth/errors.ts';
import { runScheduledRefresh } from '../../lib/oauth/refresh-run.ts';
import { getAccessToken } from '../../lib/oauth/token-access.ts';
import { writeIntegrationSecret } from '../../lib/oauth/token-store.ts';
import { FaultAccount } from './support/account.ts';
import { type RefreshWorld, startRefreshWorld } from './support/world.ts';

const MINUTE = 60_000;
const account = new FaultAccount();

/** Provider faults against a provider that rotates on every refresh and revokes a grant on reuse. */
describe('provider faults', () => {
  let world: RefreshWorld;
  const run = () => runScheduledRefresh(world.deps, { budgetMs: 60_000 });
  const alertsFor = (id: string) => world.services.published.filter((alert) => alert.key === `integration:${id}`);
  const record = async (scenario: string, failureClass: string, id: string): Promise<void> => {
    account.add({ scenario, failureClass, statusAfter: (await world.integration(id)).status, grantSurvives: await world.grantUsable(id) });
  };

  beforeEach(async () => {
    world = await startRefreshWorld();
  });
  afterEach(() => world.close());
  afterAll(() => {
    account.print('Fault-injection account: provider faults');
  });

  it('a 500 keeps the grant, records lastError and schedules a jittered retry that succeeds later', async () => {
    const [s] = await world.seed(1);
    world.provider.fault = () => ({ status: 500 });
    const failed = await run();
    const now = world.services.clock.now();
    const after = await world.integration(s!.id);

    expect(failed.failed).toEqual({ 'server-error': 1 });
    expect(after).toMatchObject({ status: 'authorized', refreshFailures: 1, lastError: { code: 'TOKEN_ENDPOINT_FAILED' } });
    const retryAt = Date.parse(after.nextRefreshAttemptAt ?? '');
    expect(retryAt).toBeGreaterThanOrEqual(now + 2.5 * MINUTE - 1000);
    expect(retryAt).toBeLessThanOrEqual(now + 5 * MINUTE);
    expect((await run()).due).toBe(0);
    await record('provider answers 500', 'server-error', s!.id);

    world.provider.fault = undefined;
    world.services.clock.advance(5 * MINUTE + 1000);
    expect((await run()).refreshed).toBe(1);
    expect(await world.integration(s!.id)).not.toHaveProperty('lastError');
    expect(await world.grantUsable(s!.id)).toBe(true);
  });

  it('three failures in a row make it refresh-failing with one alert; recovery sends one more', async () => {
    const [s] = await world.seed(1);
    world.provider.fault = () => ({ status: 503 });
    const statuses: string[] = [];
    for (let attempt = 0; attempt < 4; attempt++) {
      await run();
      statuses.push((await world.integration(s!.id)).status);
      world.services.clock.advance(61 * MINUTE);
    }
    expect(statuses).toEqual(['authorized', 'authorized', 'refresh-failing', 'refresh-failing']);
    expect(alertsFor(s!.id).map((a) => a.severity)).toEqual(['warning']);
    await record('provider 503 four runs in a row', 'server-error', s!.id);

    world.provider.fault = undefined;
    await run();
    expect((await world.integration(s!.id)).status).toBe('authorized');
    expect(alertsFor(s!.id).map((a) => a.severity)).toEqual(['warning', 'info']);
  });

  it('429 with Retry-After in seconds postpones the next attempt at least that long', async () => {
    const [s] = await world.seed(1);
    world.provider.fault = () => ({ status: 429, retryAfter: '7200' });
    expect((await run()).failed).toEqual({ 'rate-limited': 1 });
    const retryAt = Date.parse((await world.integration(s!.id)).nextRefreshAttemptAt ?? '');
    expect(retryAt).toBeGreaterThanOrEqual(world.services.clock.now() + 7200_000 - 1000);
    await record('429, Retry-After: 7200', 'rate-limited', s!.id);
  });

  it('503 with an HTTP-date Retry-After postpones the next attempt until that date', async () => {
    const [s] = await world.seed(1);
    const until = world.services.clock.now() + 3 * 3600_000;
    world.provider.fault = () => ({ status: 503, retryAfter: new Date(until).toUTCString() });
    expect((await run()).failed).toEqual({ 'server-error': 1 });
    // Date.now() and the test clock agree here (no advance), and HTTP-dates have 1 s resolution.
    expect(Date.parse((await world.integration(s!.id)).nextRefreshAttemptAt ?? '')).toBeGreaterThanOrEqual(until - 2000);
  });

  it('during an outage, token access hands out the stored token while it has more than 30 s left, then fails', async () => {
    const [s] = await world.seed(1, { expiresInMs: 60_000 });
    const stored = await world.tokens(s!.id);
    world.provider.fault = () => ({ status: 503 });
    expect(await getAccessToken(world.deps, s!.id)).toEqual({ accessToken: stored.accessToken, expiresAt: new Date(stored.expiresAt!).toISOString() });
    world.services.clock.advance(35_000);
    await expect(getAccessToken(world.deps, s!.id)).rejects.toBeInstanceOf(TokenEndpointError);
    expect(await world.grantUsable(s!.id)).toBe(true);
  });

  it('a token endpoint that never answers is a timeout and the grant is untouched', async () => {
    const [s] = await world.seed(1);
    world.provider.fault = () => ({ hang: true });
    expect((await run()).failed).toEqual({ timeout: 1 });
    await record('token endpoint never answers (15 s)', 'timeout', s!.id);
  }, 45_000);

  it('a dropped connection is a network failure and the grant is untouched', async () => {
    const [s] = await world.seed(1);
    world.provider.fault = () => ({ reset: true });
    expect((await run()).failed).toEqual({ network: 1 });
    await record('connection reset', 'network', s!.id);
  });

  it('a revoked grant needs re-authorization: one critical alert, and it is never scheduled again', async () => {
    const [s] = await world.seed(1);
    // The user's refresh token is spent elsewhere: presenting it again revokes the grant.
    const stored = await world.tokens(s!.id);
    await client.refreshTokenGrant(world.provider.clientConfiguration(), stored.refreshToken);
    expect((await run()).failed).toEqual({ reauthorize: 1 });
    expect(await world.integration(s!.id)).toMatchObject({ status: 'needs-reauthorization', lastError: { code: 'TOKEN_ENDPOINT_FAILED' } });
    expect(alertsFor(s!.id).map((a) => a.severity)).toEqual(['critical']);
    world.services.clock.advance(25 * 3600_000);
    expect((await run()).due).toBe(0);
    await record('grant revoked at the provider', 'reauthorize', s!.id);
  });

  it("invalid_grant after a sibling's rotation is not mistaken for a dead grant", async () => {
    const [s] = await world.seed(1);
    const original = (await world.tokens(s!.id)).refreshToken;
    let raced = false;
    world.provider.fault = async (request) => {
      if (raced || request.refreshToken !== original) return undefined;
      raced = true;
      // A sibling that ignored the lease rotates first and stores its result...
      const sibling = await client.refreshTokenGrant(world.provider.clientConfiguration(), original);
      const tokens = { ...(await world.tokens(s!.id)), refreshToken: sibling.refresh_token ?? '', obtainedAt: Date.now() };
      await writeIntegrationSecret(world.services.secrets, s!.id, { clientSecret: world.provider.clientSecret, tokens });
      // ...so the provider refuses our copy (without revoking, as Microsoft does).
      return { status: 400, error: 'invalid_grant' };
    };
    const report = await run();
    expect(report).toMatchObject({ skipped: 1, failed: {} });
    expect(await world.integration(s!.id)).toMatchObject({ status: 'authorized' });
    expect(alertsFor(s!.id)).toEqual([]);
    await record("invalid_grant after a sibling's rotation", 'none (skipped)', s!.id);
  });

  it('a provider that omits expires_in gets the configured default lifetime', async () => {
    const [s] = await world.seed(1);
    world.provider.fault = () => ({ answer: { access_token: 'at-without-expiry', token_type: 'Bearer', refresh_token: 'rt-next' } });
    const config = { ...world.deps.config, refresh: { ...world.deps.config.refresh, defaultTokenLifetimeSeconds: 1800 } };
    await runScheduledRefresh({ ...world.deps, config }, { budgetMs: 60_000 });
    const tokens = await world.tokens(s!.id);
    expect(tokens.expiresAt).toBe(tokens.obtainedAt + 1800_000);
    expect(refreshDueAt(await world.integration(s!.id))).toBe(tokens.obtainedAt + 1800_000 - 15 * MINUTE);
  });
});
