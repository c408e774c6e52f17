// `npm run bench [-- NAME...]`: runs every test/bench/*.bench.ts (or those whose benchmark name is
// given), one after another, and prints their reports. Exit 1 if any benchmark failed.
import { readdir } from 'node:fs/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Benchmark } from './benchmark.ts';

const benchDir = fileURLToPath(new URL('.', import.meta.url));

/** Loads every `*.bench.ts` module in this folder, in file-name order. */
export async function loadBenchmarks(dir = benchDir): Promise<Benchmark[]> {
  const files = (await readdir(dir)).filter((f) => f.endsWith('.bench.ts')).sort();
  const benchmarks: Benchmark[] = [];
  for (const file of files) {
    const module = (await import(pathToFileURL(`${dir}/${file}`).href)) as { benchmark?: Partial<Benchmark> };
    const candidate = module.benchmark;
    if (typeof candidate?.name !== 'string' || typeof candidate.run !== 'function') {
      throw new TypeError(`${file} must export \`benchmark: Benchmark\` (see test/bench/benchmark.ts).`);
    }
    benchmarks.push(candidate as Benchmark);
  }
  return benchmarks;
}

async function main(selected: readonly string[]): Promise<number> {
  const all = await loadBenchmarks();
  const chosen = selected.length === 0 ? all : all.filter((b) => selected.includes(b.name));
  const unknown = selected.filter((name) => !all.some((b) => b.name === name));
  if (unknown.length > 0) {
    console.error(`Unknown benchmark(s): ${unknown.join(', ')}. Available: ${all.map((b) => b.name).join(', ')}`);
    return 2;
  }
  let failed = 0;
  for (const benchmark of chosen) {
    console.log(`\n== ${benchmark.name}`);
    const started = performance.now();
    try {
      for (const line of await benchmark.run()) console.log(line);
      console.log(`(${((performance.now() - started) / 1000).toFixed(1)} s)`);
    } catch (error) {
      failed++;
      console.error(`FAILED: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    }
  }
  return failed === 0 ? 0 : 1;
}

process.exitCode = await main(process.argv.slice(2));
