import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { getAccessToken } from '../../lib/oauth/token-access.ts';
import { runScheduledRefresh } from '../../lib/oauth/refresh-run.ts';
import { testConnection } from '../../lib/oauth/test-connection.ts';
import { startChild } from './support/child.ts';
import { type RefreshWorld, startRefreshWorld } from './support/world.ts';

/**
 * The provider rotates on every refresh and revokes the whole grant when a used refresh token
 * comes back: any double spend shows up as `reused` and a revoked grant.
 */
describe('one refresh token is spent at most once', () => {
  let world: RefreshWorld;
  beforeEach(async () => {
    world = await startRefreshWorld();
  });
  afterEach(() => world.close());

  it('three overlapping scheduled runs, token access and test connection never present a used refresh token', async () => {
    // Expiring within a minute: due for the runs and inside token access's 5-minute margin.
    const seeded = await world.seed(24, { expiresInMs: 60_000 });
    const run = () => runScheduledRefresh(world.deps, { budgetMs: 60_000 });
    const results = await Promise.allSettled([
      run(),
      ...seeded.map((s) => getAccessToken(world.deps, s.id)),
      run(),
      ...seeded.slice(0, 8).map((s) => testConnection(world.deps, s.id)),
      run(),
    ]);

    expect(results.filter((r) => r.status === 'rejected')).toEqual([]);
    expect(world.provider.stats.reused).toBe(0);
    expect(world.provider.stats.revokedGrants.size).toBe(0);
    // Each integration once by whoever came first, plus at most the 8 forced test refreshes.
    expect(world.provider.stats.refreshed).toBeGreaterThanOrEqual(24);
    expect(world.provider.stats.refreshed).toBeLessThanOrEqual(32);
    for (const s of seeded) expect(await world.grantUsable(s.id)).toBe(true);
  });

  it('a scheduled run keeps at most `concurrency` refreshes under way, each with its token request', async () => {
    const seeded = await world.seed(40);
    world.provider.fault = async () => (await sleep(30), undefined);
    let leases = 0;
    let maxLeases = 0;
    const { leases: store } = world.deps;
    const deps = {
      ...world.deps,
      leases: {
        ...store,
        acquire: async (...args: Parameters<typeof store.acquire>) => {
          const lease = await store.acquire(...args);
          if (lease !== undefined) maxLeases = Math.max(maxLeases, ++leases);
          return lease;
        },
        release: async (lease: Parameters<typeof store.release>[0]) => {
          leases--;
          await store.release(lease);
        },
      },
    };
    const report = await runScheduledRefresh(deps, { budgetMs: 60_000, concurrency: 4 });
    expect(report.refreshed).toBe(seeded.length);
    expect(world.provider.stats.maxInFlight).toBe(4);
    expect(maxLeases).toBeLessThanOrEqual(4);
    expect(world.provider.stats.reused).toBe(0);
  });

  it('a token handed out by token access is the one stored, valid for an hour', async () => {
    const [s] = await world.seed(1, { expiresInMs: 60_000 });
    const token = await getAccessToken(world.deps, s!.id);
    expect(token.accessToken).toBe((await world.tokens(s!.id)).accessToken);
    expect(Date.parse(token.expiresAt ?? '')).toBeGreaterThan(world.services.clock.now() + 50 * 60_000);
  });

  it('scheduled runs in three separate processes sharing the data directory refresh each grant once', async () => {
    const seeded = await world.seed(12, { expiresInMs: 60_000 });
    const children = Array.from({ length: 3 }, () => startChild(['run', world.services.dataDir]));
    const reports = await Promise.all(
      children.map(async (child) => JSON.parse(await child.line('{')) as { refreshed: number; skipped: number; failed: object }),
    );
    await Promise.all(children.map((child) => child.exited));

    expect(reports.reduce((sum, r) => sum + r.refreshed, 0)).toBe(12);
    expect(reports.map((r) => r.failed)).toEqual([{}, {}, {}]);
    expect(world.provider.stats.refreshed).toBe(12);
    expect(world.provider.stats.reused).toBe(0);
    for (const s of seeded) expect(await world.grantUsable(s.id)).toBe(true);
  }, 60_000);
});
