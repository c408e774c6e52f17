import path from 'node:path';
import { repoRoot } from '../../infra/aws/bundling.ts';
import { buildBundles } from '../../scripts/build.ts';
import type { Benchmark } from './benchmark.ts';
import { connectSecretName } from '../../lib/jwt/connect-installations.ts';
import { BENCH_CLIENT_KEY } from './support/cold-start-peers.ts';
import { coldRatio, coldStartTable, importRatio, measureColdStarts, measureFloors } from './support/cold-start.ts';

/** Fresh processes per function and series; one more round of each warms the file cache first. */
const RUNS = 11;

/** Functions measured once more with the AWS SDK left external (as the Lambda runtime would provide it). */
const SDK_COMPARISON = ['jwt-validate', 'token-refresh'];

/**
 * Cold start of each deployed bundle on the aws backend against loopback peers (dynalite and the
 * Secrets Manager endpoint): a fresh `node` that imports the bundle and handles one representative
 * event, as a Lambda cold start pays it; import-only beside it; both as a ratio of medians to a bare
 * `node -e 0` in the same run, on the Node that runs the benchmark.
 */
export const benchmark: Benchmark = {
  name: 'cold-start',
  async run() {
    const bundles = await buildBundles();
    const results = await measureColdStarts(bundles, RUNS);
    const lines = [
      `Node ${process.version}; n=${RUNS} fresh processes per series after one warm-up; wall clock from spawn to exit.`,
      ...coldStartTable(bundles, results),
    ];

    const floors = await measureFloors(RUNS, connectSecretName(BENCH_CLIENT_KEY)!);
    lines.push('', 'Floors, measured the same way: what every function pays here before its own code (no target applies):');
    for (const floor of floors) {
      lines.push(
        `  ${floor.name.padEnd(20)} ${coldRatio(floor).toFixed(2)}x  (import only ${importRatio(floor).toFixed(2)}x; first event ${floor.outcome}, handled in ${floor.handlerMs.toFixed(1)} ms)`,
      );
    }

    const externalDir = path.join(repoRoot, '.tmp-bench-sdk-external');
    const external = await buildBundles(
      bundles.filter((b) => SDK_COMPARISON.includes(b.name)).map((b) => b.spec),
      externalDir,
      ['@aws-sdk/*', '@smithy/*'],
    );
    const externalResults = await measureColdStarts(external, RUNS);
    lines.push('', 'AWS SDK bundled (deployed) against left external (loaded from node_modules, as from the Lambda runtime):');
    for (const ext of externalResults) {
      const bundled = results.find((r) => r.name === ext.name)!;
      lines.push(
        `  ${ext.name.padEnd(16)} bundled ${coldRatio(bundled).toFixed(2)}x  external ${coldRatio(ext).toFixed(2)}x  (import only ${importRatio(bundled).toFixed(2)}x / ${importRatio(ext).toFixed(2)}x)`,
      );
    }
    return lines;
  },
};
