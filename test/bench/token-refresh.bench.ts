import { existsSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import * as client from 'openid-client';
import { runScheduledRefresh } from '../../lib/oauth/refresh-run.ts';
import { logger } from '../../lib/observe/logger.ts';
import { startRotatingProvider } from '../support/oidc-provider-rotating.ts';
import { type RefreshWorld, type WorldProvider, refreshWorldOn } from '../refresh/support/world.ts';
import type { Benchmark } from './benchmark.ts';
import { startProviderProcess } from './support/provider-process.ts';

const INTEGRATIONS = 2000;
const CONCURRENCY = 16;
/** A second round adds this much latency at the token endpoint, as a remote provider would have. */
const REMOTE_LATENCY_MS = 50;
/** Refreshes done on each side before measuring, and not counted: one full run each, so both are measured warm (JIT, pools, heap). */
const WARM_UP = INTEGRATIONS;
/** Measured runs of each side, interleaved (reference, ours, reference, ...); medians are compared. */
const ROUNDS = 5;

/**
 * The reference: openid-client's refreshTokenGrant over fresh grants, `CONCURRENCY` at a time,
 * nothing else. With `viaFetch`, every request goes through that fetch (Trustline's shared trust).
 */
async function bareLoop(provider: BenchProvider, count: number, viaFetch?: typeof fetch): Promise<number> {
  const grants = await Promise.all(Array.from({ length: count }, (_, i) => provider.mintGrant(`bare-${i}-${Date.now()}`)));
  const configuration = provider.clientConfiguration();
  if (viaFetch !== undefined) configuration[client.customFetch] = (url, init) => viaFetch(url, init);
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
async function trustlineRun(world: RefreshWorld<BenchProvider>, count: number): Promise<{ ms: number; refreshed: number }> {
  await world.seed(count, { concurrency: 64 });
  world.stores.counts.reset();
  const started = performance.now();
  const report = await runScheduledRefresh(world.deps, { budgetMs: 600_000, concurrency: CONCURRENCY });
  return { ms: performance.now() - started, refreshed: report.refreshed };
}

const perRefresh = (n: number, refreshed: number) => (n / refreshed).toFixed(2);

/** A provider the benchmark can slow down and ask about revoked grants, wherever it runs. */
interface BenchProvider extends WorldProvider {
  clientConfiguration(): client.Configuration;
  setLatency(ms: number): Promise<void>;
  revokedGrants(): Promise<number>;
}

interface Scenario {
  readonly label: string;
  /** Added at the token endpoint before oidc-provider answers. */
  readonly latencyMs: number;
  /** Where the embedded stores live; undefined: the OS temp dir (disk). */
  readonly tmpDir?: string;
  /** In-memory stores instead of the embedded ones: what the refresh logic itself costs. */
  readonly memory?: boolean;
  /** oidc-provider in this process, sharing its one JavaScript thread with the code measured (as the first version of this benchmark ran). */
  readonly providerInProcess?: boolean;
  /** Also time the bare loop through Trustline's own fetch: the bookkeeping's cost apart from the HTTP client's. */
  readonly viaTrustFetch?: boolean;
}

/**
 * A real provider is another machine: by default oidc-provider runs in a process of its own on
 * loopback, so its CPU is not charged to the side that makes it work harder. The last scenario
 * keeps it in this process, where every microsecond of Trustline's also delays the provider.
 */
const SCENARIOS: readonly Scenario[] = [
  { label: 'loopback oidc-provider (own process), stores on disk', latencyMs: 0, viaTrustFetch: true },
  // Separates what the durable local store costs (fdatasync) from what the refresh logic costs.
  ...(existsSync('/dev/shm') ? [{ label: 'loopback oidc-provider (own process), stores on tmpfs (no fsync cost)', latencyMs: 0, tmpDir: '/dev/shm' }] : []),
  { label: 'loopback oidc-provider (own process), in-memory stores (the refresh logic alone)', latencyMs: 0, memory: true, viaTrustFetch: true },
  { label: `oidc-provider (own process) + ${REMOTE_LATENCY_MS} ms latency, stores on disk`, latencyMs: REMOTE_LATENCY_MS },
  { label: 'oidc-provider in this process, stores on disk', latencyMs: 0, providerInProcess: true },
];

async function startProvider(inProcess: boolean): Promise<BenchProvider> {
  if (!inProcess) return startProviderProcess();
  const provider = await startRotatingProvider();
  return Object.assign(provider, {
    setLatency(ms: number) {
      provider.fault = ms === 0 ? undefined : async () => (await sleep(ms), undefined);
      return Promise.resolve();
    },
    revokedGrants: () => Promise.resolve(provider.stats.revokedGrants.size),
  });
}

/** A world whose data directory is created under `tmpDir` (os.tmpdir() reads TMPDIR on each call). */
async function worldIn(scenario: Scenario): Promise<RefreshWorld<BenchProvider>> {
  const provider = await startProvider(scenario.providerInProcess ?? false);
  const previous = process.env.TMPDIR;
  if (scenario.tmpDir !== undefined) process.env.TMPDIR = scenario.tmpDir;
  try {
    return await refreshWorldOn(provider, { stores: scenario.memory === true ? 'memory' : 'local' });
  } finally {
    if (previous === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = previous;
  }
}

async function measure(scenario: Scenario): Promise<string[]> {
  const world = await worldIn(scenario);
  try {
    await world.provider.setLatency(scenario.latencyMs);
    // Warm-up (JIT, connection pools, store directories) on both sides, then interleaved
    // (reference, ours, reference) so drift in machine load hits both alike.
    await bareLoop(world.provider, WARM_UP);
    await trustlineRun(world, WARM_UP);
    const bareRuns: number[] = [await bareLoop(world.provider, INTEGRATIONS)];
    const ourRuns: { ms: number; refreshed: number }[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      ourRuns.push(await trustlineRun(world, INTEGRATIONS));
      bareRuns.push(await bareLoop(world.provider, INTEGRATIONS));
    }
    const counts = { ...world.stores.counts };
    const bare = median(bareRuns);
    const ours = { ms: median(ourRuns.map((run) => run.ms)), refreshed: Math.min(...ourRuns.map((run) => run.refreshed)) };
    const seconds = (runs: number[]) => runs.map((ms) => `${(ms / 1000).toFixed(2)} s`).join(', ');
    // The HTTP client apart: the same bare loop through lib/trust's fetch (undici's fetch behind the
    // outbound policy), so the bookkeeping's own cost shows.
    const viaTrust = scenario.viaTrustFetch === true ? await bareLoop(world.provider, INTEGRATIONS, world.services.trust.fetch) : undefined;
    return [
      `${scenario.label}: ${INTEGRATIONS} refreshes, ${CONCURRENCY} token requests in flight`,
      `  bare openid-client loop   ${(bare / 1000).toFixed(2)} s median (runs: ${seconds(bareRuns)})`,
      `  Trustline scheduled run   ${(ours.ms / 1000).toFixed(2)} s median (runs: ${seconds(ourRuns.map((run) => run.ms))}; each refreshed ${ours.refreshed})`,
      `  ratio of medians          ${(ours.ms / bare).toFixed(2)}x  (target <= 1.25x)`,
      ...(viaTrust === undefined
        ? []
        : [
            `  bare loop via lib/trust's fetch ${(viaTrust / 1000).toFixed(2)} s (${(viaTrust / bare).toFixed(2)}x the bare loop; ` +
              `Trustline's run is ${(ours.ms / viaTrust).toFixed(2)}x this one: leases, store reads and durable writes)`,
          ]),
      `  per refresh: secret reads ${perRefresh(counts.secretReads, ours.refreshed)}, secret writes ${perRefresh(counts.secretWrites, ours.refreshed)} (target 1 + 1); ` +
        `lease writes ${perRefresh(counts.leaseWrites, ours.refreshed)}, lease reads ${perRefresh(counts.leaseReads, ours.refreshed)}; ` +
        `metadata reads ${perRefresh(counts.metadataReads, ours.refreshed)}, writes ${perRefresh(counts.metadataWrites, ours.refreshed)}; due queries ${counts.dueQueries}`,
      `  grants revoked by reuse: ${await world.provider.revokedGrants()}`,
    ];
  } finally {
    await world.close();
  }
}

/**
 * 2,000 due integrations refreshed by one scheduled run (the real embedded stores behind counting
 * wrappers, a lease per refresh) against a loopback oidc-provider that rotates refresh tokens,
 * compared with a bare openid-client refreshTokenGrant loop at the same concurrency against the
 * same provider: 16 token requests in flight on both sides (the run's refreshes that have their
 * answer may still be writing it meanwhile; see refresh-run.ts). Logging is at WARN so the
 * per-refresh INFO line does not weigh on either side.
 */
export const benchmark: Benchmark = {
  name: 'token-refresh',
  async run() {
    logger.setLogLevel('WARN');
    const lines: string[] = [];
    try {
      for (const scenario of SCENARIOS) lines.push(...(await measure(scenario)));
    } finally {
      logger.setLogLevel('INFO');
    }
    return lines;
  },
};

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[middle] as number) : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}
