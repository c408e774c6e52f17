import * as client from 'openid-client';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { manifest } from '../../functions/manifest.ts';
import { patchIntegration } from '../../lib/oauth/integrations.ts';
import { REFRESH_LEASE_TTL_MS, refreshLeaseName } from '../../lib/oauth/refresh-lease.ts';
import { runScheduledRefresh } from '../../lib/oauth/refresh-run.ts';
import { integrationSecretName, readIntegrationSecret, writeIntegrationSecret } from '../../lib/oauth/token-store.ts';
import type { LeaseStore, SecretStore } from '../../lib/store/ports.ts';
import { type RefreshWorld, startRefreshWorld } from './support/world.ts';

/** The secret store over `secrets`, recording `get NAME` / `put NAME` / `delete NAME` in order. */
function recording(secrets: SecretStore, calls: string[]): SecretStore {
  return {
    get: (name, options) => {
      calls.push(`get ${name}`);
      return secrets.get(name, options);
    },
    put: (name, value) => {
      calls.push(`put ${name}`);
      return secrets.put(name, value);
    },
    delete: (name) => {
      calls.push(`delete ${name}`);
      return secrets.delete(name);
    },
  };
}

/** One secret per integration: client secret and tokens together, so a refresh reads once and writes once. */
describe("the integration's one secret", () => {
  let world: RefreshWorld;
  beforeEach(async () => {
    world = await startRefreshWorld();
  });
  afterEach(() => world.close());

  it('a due refresh reads it once and writes it once, keeping the client secret', async () => {
    const [s] = await world.seed(1);
    const before = await world.tokens(s!.id);
    const calls: string[] = [];

    const report = await runScheduledRefresh({ ...world.deps, secrets: recording(world.deps.secrets, calls) }, { budgetMs: 60_000 });

    expect(report.refreshed).toBe(1);
    const name = integrationSecretName(s!.id);
    expect(calls).toEqual([`get ${name}`, `put ${name}`]);
    const stored = await readIntegrationSecret(world.services.secrets, s!.id);
    expect(stored?.clientSecret).toBe(world.provider.clientSecret);
    expect(stored?.tokens?.refreshToken).not.toBe(before.refreshToken);
    expect(await world.grantUsable(s!.id)).toBe(true);
  });

  it('a client-secret change waits for the refresh holding the lease and keeps its rotated refresh token', async () => {
    const [s] = await world.seed(1);
    const id = s!.id;
    const refreshing = await world.deps.leases.acquire(refreshLeaseName(id), 'refresh-in-flight', REFRESH_LEASE_TTL_MS);
    if (refreshing === undefined) throw new Error('the refresh lease was not free');
    let acquireCalls = 0;
    const leases: LeaseStore = {
      ...world.deps.leases,
      acquire: (...args) => {
        acquireCalls++;
        return world.deps.leases.acquire(...args);
      },
    };
    const calls: string[] = [];
    const patching = patchIntegration({ ...world.deps, leases, secrets: recording(world.deps.secrets, calls) }, id, { clientSecret: 'the-new-client-secret' });
    // Until the PATCH waits for the lease (or, were it not to, has read the secret already).
    await vi.waitFor(
      () => {
        expect(acquireCalls >= 2 || calls.length > 0).toBe(true);
      },
      { timeout: 20_000, interval: 10 },
    );

    // Meanwhile the refresh holding the lease rotates the refresh token and stores it.
    const stored = await world.tokens(id);
    const answer = await client.refreshTokenGrant(world.provider.clientConfiguration(), stored.refreshToken);
    const rotated = { ...stored, accessToken: answer.access_token, refreshToken: answer.refresh_token ?? '', obtainedAt: world.services.clock.now() };
    await writeIntegrationSecret(world.services.secrets, id, { clientSecret: world.provider.clientSecret, tokens: rotated });
    await world.deps.leases.release(refreshing);
    await patching;

    expect(await readIntegrationSecret(world.services.secrets, id)).toEqual({ clientSecret: 'the-new-client-secret', tokens: rotated });
    expect(await world.grantUsable(id)).toBe(true);
  });
});

describe('who may reach it on AWS', () => {
  it('falls under the secrets prefix the manifest grants every function that reads or writes it', () => {
    const name = integrationSecretName('0b9e8d3c-5f7a-4e21-9c44-1a2b3c4d5e6f');
    const users = ['integrations', 'token-refresh', 'token-refresh-worker', 'oauth-callback'];
    const grants = manifest
      .filter((fn) => users.includes(fn.name))
      .map((fn) => ({ fn: fn.name, covered: name.startsWith(`trustline/${fn.access.secrets?.prefix ?? '-'}`), write: fn.access.secrets?.write }));
    expect(grants).toEqual(users.map((fn) => ({ fn, covered: true, write: true })));
  });
});
