// `npm run build`: one ESM bundle per manifest function in dist/<name>/index.mjs, with the settings
// the CDK stack deploys (infra/aws/bundling.ts), and a table of their sizes.
import { readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { type FunctionSpec, manifest } from '../functions/manifest.ts';
import { bundleSettings, repoRoot } from '../infra/aws/bundling.ts';

export interface Bundle {
  readonly name: string;
  /** Absolute path of the bundle (`dist/<name>/index.mjs`). */
  readonly file: string;
  readonly bytes: number;
  readonly gzipBytes: number;
}

/** Bundles every function of `specs` into `outDir/<name>/index.mjs` (outDir is emptied first). */
export async function buildBundles(specs: readonly FunctionSpec[] = manifest, outDir = path.join(repoRoot, 'dist')): Promise<Bundle[]> {
  await rm(outDir, { recursive: true, force: true });
  return Promise.all(
    specs.map(async (spec) => {
      const file = path.join(outDir, spec.name, 'index.mjs');
      await build({
        entryPoints: [path.join(repoRoot, spec.entry)],
        outfile: file,
        bundle: true,
        logLevel: 'warning',
        format: bundleSettings.format,
        platform: bundleSettings.platform,
        target: bundleSettings.target,
        minify: bundleSettings.minify,
        sourcemap: bundleSettings.sourcemap,
        sourcesContent: bundleSettings.sourcesContent,
        mainFields: [...bundleSettings.mainFields],
        external: [...bundleSettings.external],
        banner: { js: bundleSettings.banner },
        define: bundleSettings.define,
      });
      const code = await readFile(file);
      return { name: spec.name, file, bytes: code.length, gzipBytes: gzipSync(code).length };
    }),
  );
}

/** The size table `npm run build` prints. */
export function sizeTable(bundles: readonly Bundle[]): string[] {
  const kib = (bytes: number) => (bytes / 1024).toFixed(1);
  const header = ['function', 'bytes', 'KiB', 'gzip bytes', 'gzip KiB'];
  const rows = [header, ...bundles.map((b) => [b.name, String(b.bytes), kib(b.bytes), String(b.gzipBytes), kib(b.gzipBytes)])];
  const widths = header.map((_, i) => Math.max(...rows.map((row) => (row[i] ?? '').length)));
  return rows.map((row) => row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0))).join('  '));
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const bundles = await buildBundles();
  for (const line of sizeTable(bundles)) console.log(line);
  console.log(`\n${bundles.length} bundle(s) in ${path.relative(process.cwd(), path.join(repoRoot, 'dist')) || 'dist'}/ (AWS SDK v3 left to the Lambda runtime)`);
}
