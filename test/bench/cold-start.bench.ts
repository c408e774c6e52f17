import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { manifest } from '../../functions/manifest.ts';
import { buildBundles } from '../../scripts/build.ts';
import type { Benchmark } from './benchmark.ts';
import { representativeEvent } from './lambda-events.ts';

/** Fresh processes per function and for the baseline; one more of each warms the file cache first. */
const RUNS = 15;
const PROCESS_TIMEOUT_MS = 30_000;
const MARKER = 'TRUSTLINE_BENCH_RESULT ';

// Runs in the child: import the bundle, handle one event, report times since process start.
const CHILD = `
const { handler } = await import(process.env.BENCH_BUNDLE_URL);
const imported = performance.now();
let outcome;
try {
  const result = await handler(JSON.parse(process.env.BENCH_EVENT), { functionName: 'bench', awsRequestId: 'bench', getRemainingTimeInMillis: () => 15000 });
  outcome = result?.statusCode ?? (result?.isAuthorized === undefined ? 'done' : 'authorized=' + result.isAuthorized);
} catch (error) {
  outcome = 'threw ' + (error?.name ?? 'error');
}
const handled = performance.now();
process.stdout.write('\\n${MARKER}' + JSON.stringify({ imported, handled, outcome: String(outcome) }) + '\\n');
process.exit(0);
`;

interface ChildTimes {
  readonly wallMs: number;
  /** From process start to the handler module loaded (includes Node's own start). */
  readonly importedMs: number;
  readonly handleMs: number;
  /** The response's status code, the authorizer's verdict, or `threw <Error>`. */
  readonly outcome: string;
}

/** Cold start of each bundle (`node` + import + one event) against a bare `node -e 0` in the same run. */
export const benchmark: Benchmark = {
  name: 'cold-start',
  async run() {
    const bundles = await buildBundles();
    const lines: string[] = [];
    const width = Math.max(20, ...bundles.map((b) => b.name.length + 2));
    const baseline: number[] = [];
    const dataDir = await mkdtemp(path.join(tmpdir(), 'trustline-bench-'));
    try {
      for (const bundle of bundles) {
        const spec = manifest.find((s) => s.name === bundle.name)!;
        const env = {
          ...process.env,
          TRUSTLINE_DATA_DIR: path.join(dataDir, spec.name),
          BENCH_BUNDLE_URL: pathToFileURL(bundle.file).href,
          BENCH_EVENT: JSON.stringify(representativeEvent(spec)),
        };
        const runs: ChildTimes[] = [];
        // Interleaved, so drift in machine load hits both series alike; run 0 is the warm-up.
        for (let i = 0; i <= RUNS; i++) {
          const bare = await timeProcess(['-e', '0'], env);
          const cold = await timeHandler(env);
          if (i > 0) {
            baseline.push(bare);
            runs.push(cold);
          }
        }
        const wall = median(runs.map((r) => r.wallMs));
        const base = median(baseline.slice(-RUNS));
        lines.push(
          `${spec.name.padEnd(width)} ${(bundle.bytes / 1024).toFixed(1).padStart(7)} KiB  median ${ms(wall)} ` +
            `(module loaded at ${ms(median(runs.map((r) => r.importedMs)))}, handler ${ms(median(runs.map((r) => r.handleMs)))}) ` +
            `-> ${runs[0]?.outcome ?? '?'}  ${(wall / base).toFixed(2)}x node -e 0`,
        );
      }
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
    return [`${'node -e 0 (baseline)'.padEnd(width + 13)}median ${ms(median(baseline))}  n=${baseline.length}`, ...lines, `n=${RUNS} fresh processes each, after one warm-up; wall clock from spawn to exit.`];
  },
};

async function timeHandler(env: NodeJS.ProcessEnv): Promise<ChildTimes> {
  let stdout = '';
  const wallMs = await timeProcess(['--input-type=module', '-e', CHILD], env, (chunk) => (stdout += chunk));
  const line = stdout.split('\n').find((l) => l.startsWith(MARKER));
  if (line === undefined) throw new Error(`The bundle did not report a result; its output was:\n${stdout.slice(-2000)}`);
  const { imported, handled, outcome } = JSON.parse(line.slice(MARKER.length)) as { imported: number; handled: number; outcome: string };
  return { wallMs, importedMs: imported, handleMs: handled - imported, outcome };
}

/** Wall-clock milliseconds from spawning `node args` to its exit; rejects on failure or timeout. */
function timeProcess(args: string[], env: NodeJS.ProcessEnv, onStdout?: (chunk: string) => void): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'pipe'], timeout: PROCESS_TIMEOUT_MS });
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => onStdout?.(chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      const elapsed = Number(process.hrtime.bigint() - started) / 1e6;
      if (code === 0) resolve(elapsed);
      else reject(new Error(`node ${args[0] ?? ''} exited with ${signal ?? String(code)}: ${stderr.slice(-2000)}`));
    });
  });
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

const ms = (value: number) => `${value.toFixed(1).padStart(6)} ms`;
