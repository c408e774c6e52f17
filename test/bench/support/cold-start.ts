import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { manifest } from '../../../functions/manifest.ts';
import type { Bundle } from '../../../scripts/build.ts';
import { representativeEvent } from '../lambda-events.ts';
import { type ColdStartPeers, startColdStartPeers } from './cold-start-peers.ts';

const PROCESS_TIMEOUT_MS = 30_000;
const MARKER = 'TRUSTLINE_BENCH_RESULT ';

// Runs in the child: import the bundle, handle one event (unless BENCH_IMPORT_ONLY), report times since process start.
const CHILD = `
const { handler } = await import(process.env.BENCH_BUNDLE_URL);
const imported = performance.now();
let outcome = 'imported';
if (process.env.BENCH_IMPORT_ONLY !== '1') {
  try {
    const result = await handler(JSON.parse(process.env.BENCH_EVENT), { functionName: 'bench', awsRequestId: 'bench', getRemainingTimeInMillis: () => 15000 });
    outcome = result?.statusCode ?? (result?.isAuthorized === undefined ? 'done' : 'authorized=' + result.isAuthorized);
  } catch (error) {
    outcome = 'threw ' + (error?.name ?? 'error');
  }
}
const handled = performance.now();
process.stdout.write('\\n${MARKER}' + JSON.stringify({ imported, handled, outcome: String(outcome) }) + '\\n');
process.exit(0);
`;

/** One function's cold start: medians over fresh processes, and the bare `node -e 0` of the same run. */
export interface ColdStart {
  readonly name: string;
  /** Spawn to exit of a process that imports the bundle and handles one event: what a Lambda cold start pays. */
  readonly coldMs: number;
  /** Spawn to exit of a process that only imports the bundle. */
  readonly importOnlyMs: number;
  /** Inside the cold process: the handler module loaded, then the first event handled. */
  readonly loadedAtMs: number;
  readonly handlerMs: number;
  /** Spawn to exit of `node -e 0`, interleaved with this function's runs. */
  readonly baselineMs: number;
  /** The first event's answer: a status code, the authorizer's verdict, or `threw <Error>`. */
  readonly outcome: string;
}

export const coldRatio = (result: ColdStart) => result.coldMs / result.baselineMs;
export const importRatio = (result: ColdStart) => result.importOnlyMs / result.baselineMs;

/**
 * Measures every bundle against loopback AWS peers (started here, stopped after): `runs` rounds of
 * `node -e 0`, import + first event, and import only, interleaved so drift in machine load hits the
 * three alike, after one warm-up round that fills the file cache.
 */
export async function measureColdStarts(bundles: readonly Bundle[], runs: number): Promise<ColdStart[]> {
  const peers = await startColdStartPeers();
  try {
    const results: ColdStart[] = [];
    for (const bundle of bundles) results.push(await measureOne(bundle, peers, runs));
    return results;
  } finally {
    await peers.close();
  }
}

async function measureOne(
  bundle: Pick<Bundle, 'name' | 'spec' | 'file'>,
  peers: ColdStartPeers,
  runs: number,
  extra: Record<string, string> = {},
): Promise<ColdStart> {
  const env = {
    ...inheritedEnvironment(),
    ...peers.environment(bundle.spec),
    ...extra,
    BENCH_BUNDLE_URL: pathToFileURL(bundle.file).href,
    BENCH_EVENT: JSON.stringify(representativeEvent(bundle.spec, (method, pathAndQuery) => peers.connectToken(method, pathAndQuery))),
  };
  const baseline: number[] = [];
  const cold: ChildTimes[] = [];
  const importOnly: number[] = [];
  for (let i = 0; i <= runs; i++) {
    const bare = await timeProcess(['-e', '0'], env);
    const handled = await timeChild(env);
    const imported = await timeChild({ ...env, BENCH_IMPORT_ONLY: '1' });
    if (i === 0) continue;
    baseline.push(bare);
    cold.push(handled);
    importOnly.push(imported.wallMs);
  }
  return {
    name: bundle.name,
    coldMs: median(cold.map((r) => r.wallMs)),
    importOnlyMs: median(importOnly),
    loadedAtMs: median(cold.map((r) => r.importedMs)),
    handlerMs: median(cold.map((r) => r.handleMs)),
    baselineMs: median(baseline),
    outcome: cold[0]?.outcome ?? '?',
  };
}

/**
 * What any function pays in this measurement before its own code: handlers that do nothing but
 * what the child asks of every bundle, or one plain request to the loopback Secrets Manager
 * (node:http, no SDK, no signature computed, no TLS): the least a function that reads a secret on its first
 * event must do. Their ratios bound the targets from below.
 */
const FLOORS: Record<string, string> = {
  'empty handler': `export const handler = async () => ({ statusCode: 200 });`,
  'one bare HTTP read': `import { request } from 'node:http';
export const handler = () => new Promise((resolve, reject) => {
  const call = request(process.env.TRUSTLINE_SECRETS_ENDPOINT, { method: 'POST', headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'secretsmanager.GetSecretValue', authorization: 'AWS4-HMAC-SHA256 (not computed: the floor signs nothing)' } }, (response) => {
    let body = '';
    response.setEncoding('utf8').on('data', (chunk) => (body += chunk)).on('end', () => resolve({ statusCode: JSON.parse(body).SecretString ? 200 : 500 }));
  });
  call.on('error', reject).end(JSON.stringify({ SecretId: process.env.BENCH_SECRET_ID }));
});`,
};

/** The floors' cold starts (`name` for each), with the same peers, environment and interleaved baseline as the functions'. */
export async function measureFloors(runs: number, secretId: string): Promise<ColdStart[]> {
  const dir = await mkdtemp(path.join(tmpdir(), 'trustline-floor-'));
  const peers = await startColdStartPeers();
  try {
    const results: ColdStart[] = [];
    for (const [name, source] of Object.entries(FLOORS)) {
      const file = path.join(dir, `${results.length}.mjs`);
      await writeFile(file, source);
      // The authorizer's environment: the floors read what it reads first, a Connect installation's secret.
      const spec = manifest.find((each) => each.name === 'jwt-authorizer')!;
      results.push(await measureOne({ name, spec, file }, peers, runs, { BENCH_SECRET_ID: secretId }));
    }
    return results;
  } finally {
    await Promise.all([peers.close(), rm(dir, { recursive: true, force: true })]);
  }
}

/**
 * The bench's own environment without Trustline's and AWS's settings, which the peers set, and
 * without NODE_EXTRA_CA_CERTS: Lambda's Node.js runtimes since nodejs20.x leave it unset, and a
 * machine that sets it (to its whole system bundle) makes every process, the bare baseline
 * included, parse those certificates at start, which hides the functions' own cost in the ratio.
 */
function inheritedEnvironment(): Record<string, string> {
  return Object.fromEntries(
    Object.entries(process.env).filter(
      (entry): entry is [string, string] => entry[1] !== undefined && !/^(TRUSTLINE_|AWS_|POWERTOOLS_)/.test(entry[0]) && entry[0] !== 'NODE_EXTRA_CA_CERTS',
    ),
  );
}

interface ChildTimes {
  readonly wallMs: number;
  readonly importedMs: number;
  readonly handleMs: number;
  readonly outcome: string;
}

async function timeChild(env: NodeJS.ProcessEnv): Promise<ChildTimes> {
  let stdout = '';
  const wallMs = await timeProcess(['--input-type=module', '-e', CHILD], env, (chunk) => (stdout += chunk));
  const line = stdout.split('\n').find((l) => l.startsWith(MARKER));
  if (line === undefined) throw new Error(`The bundle did not report a result; its output was:\n${stdout.slice(-2000)}`);
  const { imported, handled, outcome } = JSON.parse(line.slice(MARKER.length)) as { imported: number; handled: number; outcome: string };
  return { wallMs, importedMs: imported, handleMs: handled - imported, outcome };
}

/** Wall-clock milliseconds from spawning `node args` (the Node running this script) to its exit; rejects on failure or timeout. */
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

/** The median of a non-empty series. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

const JWT_FUNCTIONS = new Set(['jwt-validate', 'jwt-authorizer']);
/** The targets of issue 16: the JWT functions sit on every request's path. */
const targetRatio = (name: string) => (JWT_FUNCTIONS.has(name) ? 1.5 : 1.8);

/** The per-function table shared by the benchmark and `npm run build`. */
export function coldStartTable(bundles: readonly Bundle[], results: readonly ColdStart[]): string[] {
  const width = Math.max(...bundles.map((b) => b.name.length));
  const ms = (value: number) => `${value.toFixed(1)} ms`.padStart(9);
  const lines = [
    `${'node -e 0'.padEnd(width)}  baseline median ${ms(median(results.map((r) => r.baselineMs)))} (each function is compared with its own interleaved baseline; NODE_EXTRA_CA_CERTS unset, as on Lambda)`,
  ];
  lines.push(`${'function'.padEnd(width)}  ${'bundle'.padStart(10)}  ${'cold'.padStart(9)}  ratio  target  ${'import'.padStart(9)}  ratio  first event`);
  for (const result of results) {
    const bundle = bundles.find((b) => b.name === result.name)!;
    const ratio = coldRatio(result);
    lines.push(
      `${result.name.padEnd(width)}  ${`${(bundle.graph.totalBytes / 1024).toFixed(1)} KiB`.padStart(10)}  ${ms(result.coldMs)}  ${ratio.toFixed(2)}x  ${ratio <= targetRatio(result.name) ? 'met ' : 'MISS'}   ` +
        `${ms(result.importOnlyMs)}  ${importRatio(result).toFixed(2)}x  ${result.outcome} (loaded at ${result.loadedAtMs.toFixed(1)} ms, handled in ${result.handlerMs.toFixed(1)} ms)`,
    );
  }
  return lines;
}
