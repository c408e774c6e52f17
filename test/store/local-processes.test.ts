import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLocalStores } from '../../lib/store/local/index.ts';
import { systemClock } from '../../lib/clock.ts';

const worker = fileURLToPath(new URL('./workers/store-worker.ts', import.meta.url));
const WORKERS = 5;
const INCREMENTS = 20;

interface WorkerResult {
  readonly acquired: string[];
  readonly done: number;
}

/** Starts one process per owner, releases them together once all are ready, and returns their results. */
async function runWorkers(dataDir: string, owners: string[]): Promise<WorkerResult[]> {
  const goFile = path.join(path.dirname(dataDir), 'go');
  const ready: Promise<void>[] = [];
  const results = owners.map((owner) => {
    const args = [worker, dataDir, goFile, owner, String(INCREMENTS)];
    const child = spawn(process.execPath, ['--import', 'tsx', ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let signalReady: () => void = () => undefined;
    ready.push(new Promise((resolve) => (signalReady = resolve)));
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      if (stdout.startsWith('ready\n')) signalReady();
    });
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    return new Promise<WorkerResult>((resolve, reject) => {
      child.on('exit', (code) => {
        signalReady();
        if (code === 0) resolve(JSON.parse(stdout.trim().split('\n').at(-1) ?? '') as WorkerResult);
        else reject(new Error(`worker exited ${code}: ${stderr}`));
      });
    });
  });
  await Promise.all(ready);
  await writeFile(goFile, '');
  return Promise.all(results);
}

describe(`local stores shared by ${WORKERS} separate processes started at once on a new data directory`, () => {
  let root: string;
  let dataDir: string;
  let results: WorkerResult[];
  beforeAll(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'trustline-processes-'));
    dataDir = path.join(root, 'data');
    results = await runWorkers(
      dataDir,
      Array.from({ length: WORKERS }, (_, i) => `process-${i}`),
    );
  });
  afterAll(() => rm(root, { recursive: true, force: true }));

  it('grants each lease they race for to exactly one process', () => {
    const won = results.flatMap((result) => result.acquired).sort();
    expect(won).toEqual(Array.from({ length: INCREMENTS }, (_, i) => `lease-${i}`).sort());
  });

  it('keeps the leases where another process sees them held', async () => {
    const { leases } = createLocalStores({ dataDir, clock: systemClock });
    const names = Array.from({ length: INCREMENTS }, (_, i) => `lease-${i}`);
    const refused = await Promise.all(names.map(async (name) => (await leases.acquire(name, 'another-process', 60_000)) === undefined));
    expect(refused).toEqual(names.map(() => true));
  });

  it('loses no update when every process increments one counter with conditional puts', async () => {
    expect(results.map((result) => result.done)).toEqual(Array.from({ length: WORKERS }, () => INCREMENTS));
    const counter = await createLocalStores({ dataDir, clock: systemClock }).metadata.get('counter', 'shared');
    expect(counter).toMatchObject({ data: WORKERS * INCREMENTS, version: WORKERS * INCREMENTS });
  });
});
