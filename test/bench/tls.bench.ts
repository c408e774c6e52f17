import { spawn, fork } from 'node:child_process';
import tls from 'node:tls';
import { fileURLToPath } from 'node:url';
import { checkEndpoint, mapBounded } from '../../lib/tls/index.ts';
import { createTrustContext, fixedTrustStore } from '../../lib/trust/index.ts';
import type { Benchmark } from './benchmark.ts';

/**
 * Checking 500 loopback TLS endpoints (root → intermediate → leaf, ECDSA P-256, TLS 1.3) at the
 * scheduled run's concurrency (32): `checkEndpoint` (probe + chain analysis + verdict + fix)
 * against a bare `tls.connect` + handshake loop at the same concurrency, and against running
 * `openssl s_client` once per endpoint as the shell checkers do (a sample of 50 endpoints,
 * scaled to 500, also 32 at a time). The peers live in a child process. Rounds interleave the
 * first two against drift; the median round counts.
 */

const ENDPOINTS = 500;
const CONCURRENCY = 32;
const ROUNDS = 5;
const OPENSSL_SAMPLE = 50;
const TIMEOUT_MS = 10_000;

interface Peers {
  readonly ports: number[];
  readonly rootPem: string;
  stop(): void;
}

function startPeers(): Promise<Peers> {
  const script = fileURLToPath(new URL('../support/tls/bench-peers.ts', import.meta.url));
  const child = fork(script, [String(ENDPOINTS)], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill();
      reject(new Error('the peer process did not start within 60 s'));
    }, 60_000);
    child.once('error', reject);
    child.once('message', (message: { ports: number[]; rootPem: string }) => {
      clearTimeout(timer);
      resolve({ ...message, stop: () => child.kill() });
    });
  });
}

async function timed(run: () => Promise<void>): Promise<number> {
  const started = performance.now();
  await run();
  return performance.now() - started;
}

/** Wall time and this process's CPU time (user + system), both in ms. CPU is steadier on a shared machine. */
async function measured(run: () => Promise<void>): Promise<{ wall: number; cpu: number }> {
  const cpu = process.cpuUsage();
  const wall = await timed(run);
  const used = process.cpuUsage(cpu);
  return { wall, cpu: (used.user + used.system) / 1000 };
}

function bareHandshake(port: number, secureContext: tls.SecureContext): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = tls.connect({ host: '127.0.0.1', port, servername: 'localhost', secureContext, rejectUnauthorized: false });
    const timer = setTimeout(() => socket.destroy(new Error('timeout')), TIMEOUT_MS);
    socket.once('secureConnect', () => {
      clearTimeout(timer);
      socket.destroy();
      resolve();
    });
    socket.once('error', (error: Error) => {
      clearTimeout(timer);
      reject(error);
    });
  });
}

function opensslOnce(port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('openssl', ['s_client', '-connect', `127.0.0.1:${String(port)}`, '-servername', 'localhost', '-showcerts'], {
      stdio: ['ignore', 'ignore', 'ignore'],
      timeout: TIMEOUT_MS,
    });
    child.once('error', reject);
    child.once('exit', () => {
      resolve();
    });
  });
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? Number.NaN;
const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

export const benchmark: Benchmark = {
  name: 'tls',
  async run() {
    const peers = await startPeers();
    try {
      const trust = createTrustContext(fixedTrustStore(peers.rootPem));
      const anchors = await trust.ca();
      const secureContext = tls.createSecureContext({ ca: anchors, allowPartialTrustChain: true });
      const verdicts = new Map<string, number>();
      const trustline = () =>
        mapBounded(peers.ports, CONCURRENCY, async (port) => {
          const report = await checkEndpoint({ host: '127.0.0.1', port, protocol: 'https', servername: 'localhost' }, { trust, timeoutMs: TIMEOUT_MS });
          verdicts.set(report.verdict, (verdicts.get(report.verdict) ?? 0) + 1);
        }).then(() => undefined);
      const bare = () => mapBounded(peers.ports, CONCURRENCY, (port) => bareHandshake(port, secureContext)).then(() => undefined);
      await trustline(); // warm-up: parses the root store once, as a long-lived process would
      verdicts.clear();
      const ours: { wall: number; cpu: number }[] = [];
      const baseline: { wall: number; cpu: number }[] = [];
      for (let round = 0; round < ROUNDS; round++) {
        ours.push(await measured(trustline));
        baseline.push(await measured(bare));
      }
      if (verdicts.get('ok') !== ENDPOINTS * ROUNDS) throw new Error(`expected every check to be ok, got ${JSON.stringify([...verdicts])}`);
      const sample = peers.ports.slice(0, OPENSSL_SAMPLE);
      const openssl = (await timed(() => mapBounded(sample, CONCURRENCY, opensslOnce).then(() => undefined))) * (ENDPOINTS / OPENSSL_SAMPLE);
      const oursMs = median(ours.map((m) => m.wall));
      const bareMs = median(baseline.map((m) => m.wall));
      const oursCpu = median(ours.map((m) => m.cpu));
      const bareCpu = median(baseline.map((m) => m.cpu));
      return [
        `${String(ENDPOINTS)} loopback endpoints, concurrency ${String(CONCURRENCY)}, median of ${String(ROUNDS)} rounds (peers in a child process)`,
        `trustline checkEndpoint (probe + analysis + verdict): ${seconds(oursMs)} wall, ${seconds(oursCpu)} CPU  (${(ENDPOINTS / (oursMs / 1000)).toFixed(0)} endpoints/s)`,
        `bare tls.connect + handshake:                       ${seconds(bareMs)} wall, ${seconds(bareCpu)} CPU`,
        `overhead trustline / bare: ${(oursMs / bareMs).toFixed(2)}x wall, ${(oursCpu / bareCpu).toFixed(2)}x CPU  (target <= 1.3x)`,
        `openssl s_client per endpoint (${String(OPENSSL_SAMPLE)} sampled, scaled x${String(ENDPOINTS / OPENSSL_SAMPLE)}): ${seconds(openssl)} wall`,
        `ratio openssl / trustline: ${(openssl / oursMs).toFixed(1)}x wall`,
        `rounds wall (ms): trustline ${ours.map((m) => m.wall.toFixed(0)).join(', ')}; bare ${baseline.map((m) => m.wall.toFixed(0)).join(', ')}`,
      ];
    } finally {
      peers.stop();
    }
  },
};
