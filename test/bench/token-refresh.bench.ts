import { setTimeout as sleep } from 'node:timers/promises';
import * as client from 'openid-client';
import { runScheduledRefresh } from '../../lib/oauth/refresh-run.ts';
import { logger } from '../../lib/observe/logger.ts';
import type { RotatingProvider } from '../support/oidc-provider-rotating.ts';
import { type RefreshWorld, startRefreshWorld } from '../refresh/support/world.ts';
import type { Benchmark } from './benchmark.ts';

const INTEGRATIONS = 2000;
const CONCURRENCY = 16;
/** A second round adds this much latency at the token endpoint, as a remote provider would have. */
const REMOTE_LATENCY_MS = 50;

/** The reference: openid-client's refreshTokenGrant over fresh grants, `CONCURRENCY` at a time, nothing else. */
async function bareLoop(provider: RotatingProvider, count: number): Promise<number> {
  const grants = await Promise.all(Array.from({ length: count }, (_, i) => provider.mintGrant(`bare-${i}-${Date.now()}`)));
  const configuration = new client.Configuration(
    { issuer: provider.issuer, token_endpoint: provider.tokenEndpoint },
    provider.clientId,
    provider.clientSecret,
    client.ClientSecretPost(provider.clientSecret),
  );
  client.allowInsecureRequests(configuration);
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < grants.length) await client.refreshTokenGrant(configuration, (grants[next++] as { refreshToken: string }).refreshToken);
    }),
  );
  return performance.now() - started;
}

/** One scheduled run over `count` freshly seeded, due integrations (all inline, no queue). */
async function trustlineRun(world: RefreshWorld, count: number): Promise<{ ms: number; refreshed: number }> {
  await world.seed(count, { concurrency: 64 });
  world.stores.counts.reset();
  const started = performance.now();
  const report = await runScheduledRefresh(world.deps, { budgetMs: 600_000, concurrency: CONCURRENCY });
  return { ms: performance.now() - started, refreshed: report.refreshed };
}

const perRefresh = (n: number, refreshed: number) => (n / refreshed).toFixed(2);

/**
 * 2,000 due integrations refreshed by one scheduled run (real embedded stores on disk behind
 * counting wrappers, lease per refresh) against a loopback oidc-provider that rotates refresh
 * tokens, compared with a bare openid-client refreshTokenGrant loop at the same concurrency.
 * Logging is at WARN so the per-refresh INFO line does not dominate either side.
 */
export const benchmark: Benchmark = {
  name: 'token-refresh',
  async run() {
    logger.setLogLevel('WARN');
    const world = await startRefreshWorld();
    const lines: string[] = [];
    try {
      for (const latency of [0, REMOTE_LATENCY_MS]) {
        world.provider.fault = latency === 0 ? undefined : async () => void (await sleep(latency));
        const bareBefore = await bareLoop(world.provider, INTEGRATIONS);
        const ours = await trustlineRun(world, INTEGRATIONS);
        const counts = { ...world.stores.counts };
        const bareAfter = await bareLoop(world.provider, INTEGRATIONS);
        const bare = (bareBefore + bareAfter) / 2;
        const label = latency === 0 ? 'loopback oidc-provider' : `oidc-provider + ${latency} ms latency`;
        lines.push(
          `${label}: ${INTEGRATIONS} refreshes at concurrency ${CONCURRENCY}`,
          `  bare openid-client loop   ${(bare / 1000).toFixed(2)} s (runs: ${(bareBefore / 1000).toFixed(2)} s, ${(bareAfter / 1000).toFixed(2)} s)`,
          `  Trustline scheduled run   ${(ours.ms / 1000).toFixed(2)} s  (${ours.refreshed} refreshed)`,
          `  ratio                     ${(ours.ms / bare).toFixed(2)}x  (target <= 1.25x)`,
          `  per refresh: secret reads ${perRefresh(counts.secretReads, ours.refreshed)}, secret writes ${perRefresh(counts.secretWrites, ours.refreshed)} (target 1 + 1); ` +
            `lease writes ${perRefresh(counts.leaseWrites, ours.refreshed)}, lease reads ${perRefresh(counts.leaseReads, ours.refreshed)}; ` +
            `metadata reads ${perRefresh(counts.metadataReads, ours.refreshed)}, writes ${perRefresh(counts.metadataWrites, ours.refreshed)}; due queries ${counts.dueQueries}`,
        );
      }
      lines.push(`  grants revoked by reuse: ${world.provider.stats.revokedGrants.size}`);
    } finally {
      world.provider.fault = undefined;
      await world.close();
      logger.setLogLevel('INFO');
    }
    return lines;
  },
};
