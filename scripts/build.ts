// `npm run build`: one bundle per manifest function in dist/<name>/ (entry index.mjs, lazy chunks in
// chunks/), with the settings the CDK stack deploys (infra/aws/bundling.ts); prints each function's
// size and its cold start against a bare `node -e 0` (test/bench/support/cold-start.ts).
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { type FunctionSpec, manifest } from '../functions/manifest.ts';
import { assertNoLocalBackend, BUNDLE_ENTRY, functionBuildOptions, pruneUnreachableOutputs, repoRoot } from '../infra/aws/bundling.ts';
import { type BundleGraph, bundleGraph } from './bundle-graph.ts';

export interface Bundle {
  readonly name: string;
  readonly spec: FunctionSpec;
  /** The bundle's folder (`dist/<name>`), deployed as the function's code. */
  readonly dir: string;
  /** Absolute path of the entry (`dist/<name>/index.mjs`). */
  readonly file: string;
  readonly graph: BundleGraph;
}

/** Bundles every function of `specs` into `outDir/<name>/` (outDir is emptied first). */
export async function buildBundles(
  specs: readonly FunctionSpec[] = manifest,
  outDir = path.join(repoRoot, 'dist'),
  external: readonly string[] = [],
): Promise<Bundle[]> {
  await rm(outDir, { recursive: true, force: true });
  return Promise.all(
    specs.map(async (spec) => {
      const dir = path.join(outDir, spec.name);
      const options = functionBuildOptions(spec, dir);
      const { metafile = { inputs: {}, outputs: {} } } = await build({
        ...options,
        external: [...(options.external ?? []), ...external],
        absWorkingDir: repoRoot,
      });
      assertNoLocalBackend(spec.name, metafile, repoRoot, dir);
      pruneUnreachableOutputs(metafile, repoRoot, dir);
      const file = path.join(dir, BUNDLE_ENTRY);
      return { name: spec.name, spec, dir, file, graph: bundleGraph(metafile, path.relative(repoRoot, file)) };
    }),
  );
}

const kib = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;

/** The lines `npm run build` prints for one bundle: its size, then each lazily loaded group. */
export function sizeLines(bundle: Bundle): string[] {
  const { graph } = bundle;
  return [
    `${bundle.name}: ${kib(graph.totalBytes)} in all, ${kib(graph.startBytes)} loaded at start`,
    ...graph.lazy.map((group) => `    on first use ${kib(group.bytes).padStart(10)}  ${group.source}`),
  ];
}

/** Fresh processes per function for the build's cold-start figures; `npm run bench -- cold-start` takes more. */
const BUILD_RUNS = 5;

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const bundles = await buildBundles();
  for (const bundle of bundles) for (const line of sizeLines(bundle)) console.log(line);
  console.log(`\n${bundles.length} bundle(s) in ${path.relative(process.cwd(), path.join(repoRoot, 'dist')) || 'dist'}/`);
  if (!process.argv.includes('--sizes-only')) {
    // Loaded here: the measurement needs the loopback peers (dev dependencies), the sizes do not.
    // Not from the benchmark module: it imports this script, and importing it from here while this
    // module's top-level await is pending would deadlock.
    const { coldStartTable, measureColdStarts } = await import('../test/bench/support/cold-start.ts');
    console.log(`\nCold start (import + first event, aws backend on loopback peers), n=${BUILD_RUNS}, Node ${process.version}:`);
    for (const line of coldStartTable(bundles, await measureColdStarts(bundles, BUILD_RUNS))) console.log(line);
  }
}
