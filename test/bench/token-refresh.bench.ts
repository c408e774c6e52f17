import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { open } from 'lmdb';
import * as client from 'openid-client';
import { LMDB_OPTIONS } from '../../lib/store/local/database.ts';
import { runScheduledRefresh } from '../../lib/oauth/refresh-run.ts';
import { logger } from '../../lib/observe/logger.ts';
import { type RefreshWorld, type WorldProvider, refreshWorldOn } from '../refresh/support/world.ts';
import type { Benchmark } from './benchmark.ts';
import { startProviderProcess } from './support/provider-process.ts';

const INTEGRATIONS = 2000;
const CONCURRENCY = 16;
/** The headline's latency at the token endpoint: a real provider is another machine, never faster than this. */
const PROVIDER_LATENCY_MS = 10;
/** Refreshes done on each side before measuring, and not counted: one full run each, so both are measured warm (JIT, pools, heap). */
const WARM_UP = INTEGRATIONS;
/** Durable commits a refresh waits for in turn: the lease taken, the tokens (with the outcome), the lease released. */
const COMMITS_PER_REFRESH = 3;
/** Measured runs of each side, interleaved (reference, ours, reference, ...); medians are compared. */
const ROUNDS = 5;

/**
 * The reference: openid-client's refreshTokenGrant over fresh grants, `CONCURRENCY` at a time,
 * nothing else. With `viaFetch`, every request goes through that fetch (Trustline's shared trust).
 * With `commit`, each refresh also awaits it once before the call and `COMMITS_PER_REFRESH - 1` times after.
 */
async function bareLoop(
  provider: BenchProvider,
  count: number,
  { viaFetch, commit }: { viaFetch?: typeof fetch; commit?: () => Promise<unknown> } = {},
): Promise<number> {
  const grants = await Promise.all(Array.from({ length: count }, (_, i) => provider.mintGrant(`bare-${i}-${Date.now()}`)));
  const configuration = provider.clientConfiguration();
  if (viaFetch !== undefined) configuration[client.customFetch] = (url, init) => viaFetch(url, init);
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < grants.length) {
        const { refreshToken } = grants[next++] as { refreshToken: string };
        await commit?.();
        await client.refreshTokenGrant(configuration, refreshToken);
        for (let i = 1; commit !== undefined && i < COMMITS_PER_REFRESH; i++) await commit();
      }
    }),
  );
  return performance.now() - started;
}

/**
 * The engine's floor: lmdb-js alone, opened as store.mdb is, each commit one small conditional
 * write awaited until on disk. What any refresh that waits for its commits pays here, before Trustline's own code.
 */
async function openBareLmdb(): Promise<{ commit: () => Promise<unknown>; close: () => Promise<void> }> {
  const dir = await mkdtemp(path.join(tmpdir(), 'trustline-bench-lmdb-'));
  const root = open({ path: path.join(dir, 'floor.mdb'), ...LMDB_OPTIONS });
  const table = root.openDB<Buffer, number>('floor', { encoding: 'binary', useVersions: true });
  let next = 0;
  return {
    commit: () => {
      const key = next++;
      return table.ifNoExists(key, () => void table.put(key, Buffer.alloc(600), 1));
    },
    close: async () => {
      await root.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
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
  /** In-memory stores instead of the embedded ones: what the refresh logic itself costs. */
  readonly memory?: boolean;
  /** Also time the bare loop through Trustline's own fetch: the bookkeeping's cost apart from the HTTP client's. */
  readonly viaTrustFetch?: boolean;
}

/**
 * oidc-provider runs in a process of its own on loopback, so its CPU is not charged to the side
 * that makes it work harder. The headline answers after PROVIDER_LATENCY_MS, as a real provider
 * would at best; the same at 0 ms and with in-memory stores show the store's and the logic's cost.
 */
const HEADLINE: Scenario = {
  label: `oidc-provider (own process) answering after ${PROVIDER_LATENCY_MS} ms, stores on disk`,
  latencyMs: PROVIDER_LATENCY_MS,
};
const SCENARIOS: readonly Scenario[] = [
  HEADLINE,
  { label: 'loopback oidc-provider (own process) answering at once (0 ms), stores on disk', latencyMs: 0, viaTrustFetch: true },
  {
    label: 'loopback oidc-provider (own process) answering at once (0 ms), in-memory stores (the refresh logic alone)',
    latencyMs: 0,
    memory: true,
    viaTrustFetch: true,
  },
];

async function worldIn(scenario: Scenario): Promise<RefreshWorld<BenchProvider>> {
  return refreshWorldOn(await startProviderProcess(), { stores: scenario.memory === true ? 'memory' : 'local' });
}

async function measure(scenario: Scenario): Promise<{ lines: string[]; ratio: number; floor?: number }> {
  const world = await worldIn(scenario);
  const lmdb = scenario.memory === true ? undefined : await openBareLmdb();
  try {
    await world.provider.setLatency(scenario.latencyMs);
    // Warm-up (JIT, connection pools, store directories) on both sides, then interleaved
    // (reference, ours, reference, floor, ours, ...) so drift in machine load hits all alike.
    await bareLoop(world.provider, WARM_UP);
    await trustlineRun(world, WARM_UP);
    const bareRuns: number[] = [await bareLoop(world.provider, INTEGRATIONS)];
    const ourRuns: { ms: number; refreshed: number }[] = [];
    const floorRuns: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      ourRuns.push(await trustlineRun(world, INTEGRATIONS));
      bareRuns.push(await bareLoop(world.provider, INTEGRATIONS));
      if (lmdb !== undefined) floorRuns.push(await bareLoop(world.provider, INTEGRATIONS, { commit: lmdb.commit }));
    }
    const counts = { ...world.stores.counts };
    const bare = median(bareRuns);
    const ours = { ms: median(ourRuns.map((run) => run.ms)), refreshed: Math.min(...ourRuns.map((run) => run.refreshed)) };
    const seconds = (runs: number[]) => runs.map((ms) => `${(ms / 1000).toFixed(2)} s`).join(', ');
    // The HTTP client apart: the same bare loop through lib/trust's fetch, so the bookkeeping's own cost shows.
    const viaTrust = scenario.viaTrustFetch === true ? await bareLoop(world.provider, INTEGRATIONS, { viaFetch: world.services.trust.fetch }) : undefined;
    const floor = lmdb === undefined ? undefined : median(floorRuns);
    const lines = [
      `${scenario.label}: ${INTEGRATIONS} refreshes, ${CONCURRENCY} at a time`,
      `  bare openid-client loop   ${(bare / 1000).toFixed(2)} s median (runs: ${seconds(bareRuns)})`,
      `  Trustline scheduled run   ${(ours.ms / 1000).toFixed(2)} s median (runs: ${seconds(ourRuns.map((run) => run.ms))}; each refreshed ${ours.refreshed})`,
      `  ratio of medians          ${(ours.ms / bare).toFixed(2)}x${scenario === HEADLINE ? '  (target <= 1.25x)' : ''}`,
      ...(floor === undefined
        ? []
        : [
            `  bare loop + ${COMMITS_PER_REFRESH} lmdb-js commits per refresh ${(floor / 1000).toFixed(2)} s median (runs: ${seconds(floorRuns)}; ${(floor / bare).toFixed(2)}x the bare loop: ` +
              `the engine's floor, no Trustline code; Trustline's run is ${(ours.ms / floor).toFixed(2)}x this one)`,
          ]),
      ...(viaTrust === undefined
        ? []
        : [
            `  bare loop via lib/trust's fetch ${(viaTrust / 1000).toFixed(2)} s (${(viaTrust / bare).toFixed(2)}x the bare loop; ` +
              `Trustline's run is ${(ours.ms / viaTrust).toFixed(2)}x this one: leases, store reads and writes)`,
          ]),
      `  per refresh: secret reads ${perRefresh(counts.secretReads, ours.refreshed)}, secret writes ${perRefresh(counts.secretWrites, ours.refreshed)} (target 1 + 1); ` +
        `lease writes ${perRefresh(counts.leaseWrites, ours.refreshed)}, lease reads ${perRefresh(counts.leaseReads, ours.refreshed)}; ` +
        `metadata reads ${perRefresh(counts.metadataReads, ours.refreshed)}, writes ${perRefresh(counts.metadataWrites, ours.refreshed)}; due queries ${counts.dueQueries}`,
      `  grants revoked by reuse: ${await world.provider.revokedGrants()}`,
    ];
    return { lines, ratio: ours.ms / bare, floor: floor === undefined ? undefined : floor / bare };
  } finally {
    await lmdb?.close();
    await world.close();
  }
}

/**
 * 2,000 due integrations refreshed by one scheduled run (the real embedded stores behind counting
 * wrappers, a lease per refresh) against a loopback oidc-provider that rotates refresh tokens,
 * compared with a bare openid-client refreshTokenGrant loop at the same concurrency against the
 * same provider: 16 refreshes at a time on both sides. Logging is at WARN so the
 * per-refresh INFO line does not weigh on either side.
 */
export const benchmark: Benchmark = {
  name: 'token-refresh',
  async run() {
    logger.setLogLevel('WARN');
    const results: Awaited<ReturnType<typeof measure>>[] = [];
    try {
      for (const scenario of SCENARIOS) results.push(await measure(scenario));
    } finally {
      logger.setLogLevel('INFO');
    }
    // SCENARIOS opens with the headline, then the same at 0 ms.
    const [headline, instant] = results;
    const times = (ratio: number | undefined) => `${ratio?.toFixed(2) ?? '?'}x`;
    const lines = results.flatMap((result) => result.lines);
    lines.push(
      `headline (provider answering after ${PROVIDER_LATENCY_MS} ms, stores on disk): ` +
        `Trustline ${times(headline?.ratio)} the bare openid-client loop (target <= 1.25x); at 0 ms: ${times(instant?.ratio)}; ` +
        `the engine's floor (the loop + ${COMMITS_PER_REFRESH} lmdb-js commits per refresh): ${times(headline?.floor)}`,
    );
    return lines;
  },
};

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[middle] as number) : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}
