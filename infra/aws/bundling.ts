import { rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BuildOptions, Metafile } from 'esbuild';
import type { Access, FunctionSpec } from '../../functions/manifest.ts';
import { LocalCodeInBundleError } from './errors.ts';
import { version } from '../../lib/runtime/version.ts';

/** The repository root: manifest entries are relative to it. */
export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

/** The embedded database of the local backend. */
const LMDB = 'lmdb';

/** The entry file of every bundle; Lambda's handler setting is `index.handler`. */
export const BUNDLE_ENTRY = 'index.mjs';

/**
 * The esbuild settings of every function, shared by `npm run build` (which the cold-start benchmark
 * measures) and the CDK stack (which deploys the same output), so the bundle measured is the bundle deployed.
 *
 * What a function loads at start is decided in three places:
 * - package.json's `sideEffects` declares every module of lib/ and functions/ free of import-time
 *   effects, so a function importing one thing from a capability's index.ts does not get the rest;
 * - `splitting`: what only some paths need is imported with `await import()` where it is used and
 *   lands in a chunk of its own, read from disk and evaluated on first use (undici, the mail clients,
 *   each AWS client);
 * - `define`: the function's manifest access, so the composition root (lib/runtime/aws/services.ts)
 *   leaves out, at bundle time, every adapter and SDK client the function does not declare.
 */
export const bundleSettings = {
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  // Development machines run Node 20; nodejs24.x runs anything built for it.
  target: 'node20',
  minify: true,
  sourcemap: true,
  // Stack traces need the mappings only; the sources would double the upload.
  sourcesContent: false,
  mainFields: ['module', 'main'],
  // The AWS SDK is bundled: tree-shaken to the one client a chunk uses, it loads faster from one
  // file than the runtime's copy does from its many (`npm run bench -- cold-start` compares both).
  // lmdb, the local backend's database, is a native addon no Lambda uses: never bundled, and a
  // bundle that would import it is refused (`assertNoLocalBackend`).
  external: [LMDB],
  // A Lambda function's credentials are in its environment: the SDK's default chain is replaced by the
  // environment provider, leaving out the other providers and the STS and SSO clients they would load.
  // Node built-ins whose ES module facade evaluates costly lazy getters are served through `require`
  // (lib/runtime/aws/node-http.ts and node-process.ts say why); a name one of them does not export
  // fails the build. An alias also covers the module's subpaths, so modules that have some are left alone.
  alias: {
    '@aws-sdk/credential-provider-node': './lib/runtime/aws/lambda-credentials.ts',
    'node:http': './lib/runtime/aws/node-http.ts',
    'node:https': './lib/runtime/aws/node-https.ts',
    'node:process': './lib/runtime/aws/node-process.ts',
  },
  outExtension: { '.js': '.mjs' },
  entryNames: 'index',
  chunkNames: 'chunks/[name]-[hash]',
  // CommonJS dependencies call `require`, which an ES module lacks; the alias avoids clashing with a bundled import.
  banner: { js: "import { createRequire as __trustlineCreateRequire } from 'node:module'; const require = __trustlineCreateRequire(import.meta.url);" },
  metafile: true,
  logLevel: 'warning',
} as const satisfies BuildOptions;

/** The settings for one function's bundle, written to `outdir` (entry `index.mjs`, lazy chunks in `chunks/`). */
export function functionBuildOptions(spec: FunctionSpec, outdir: string): BuildOptions {
  return {
    ...bundleSettings,
    mainFields: [...bundleSettings.mainFields],
    external: [...bundleSettings.external],
    alias: { ...bundleSettings.alias },
    outExtension: { ...bundleSettings.outExtension },
    banner: { ...bundleSettings.banner },
    entryPoints: [path.join(repoRoot, spec.entry)],
    outdir,
    define: bundleDefines(spec.access),
  };
}

/** The constants lib/runtime reads at bundle time (see lib/runtime/services.ts and lib/runtime/aws/services.ts). */
export function bundleDefines(access: Access): Record<string, string> {
  return {
    // lib/runtime/version.ts reads package.json at run time unless this is defined.
    __TRUSTLINE_VERSION__: JSON.stringify(version),
    __TRUSTLINE_BUNDLE_ACCESS__: JSON.stringify(access),
    __TRUSTLINE_BUNDLE_LOCAL__: 'false',
    __TRUSTLINE_BUNDLE_SECRETS__: String(access.secrets !== undefined),
    __TRUSTLINE_BUNDLE_TABLE__: String(access.table !== undefined),
    __TRUSTLINE_BUNDLE_ALERTS__: String(access.alerts === true),
    __TRUSTLINE_BUNDLE_QUEUE__: String(access.queueTo !== undefined),
    __TRUSTLINE_BUNDLE_OUTBOUND__: String(access.outbound === true),
  };
}

/**
 * The output files nothing reaches from the entry, by static or dynamic import. esbuild writes a
 * chunk for every `await import()` in a module it reads, even when tree shaking then removes the
 * code holding it (the mail clients behind a capability's index.ts in a function that never tests a
 * connection): such chunks are never loaded and are not deployed.
 */
export function unreachableOutputs(metafile: Metafile, entryFile: string): string[] {
  const reached = new Set<string>();
  const visit = (file: string) => {
    if (reached.has(file)) return;
    reached.add(file);
    for (const edge of metafile.outputs[file]?.imports ?? []) if (!edge.external) visit(edge.path);
  };
  visit(entryFile);
  return Object.keys(metafile.outputs).filter((file) => !file.endsWith('.map') && !reached.has(file));
}

/** Deletes the unreachable outputs (and their source maps); paths are relative to `workingDir`, as esbuild reports them. */
export function pruneUnreachableOutputs(metafile: Metafile, workingDir: string, outdir: string): void {
  for (const file of unreachableOutputs(metafile, path.relative(workingDir, path.join(outdir, BUNDLE_ENTRY)))) {
    rmSync(path.join(workingDir, file), { force: true });
    rmSync(path.join(workingDir, `${file}.map`), { force: true });
  }
}

/** Sources of the local backend: a Lambda bundle holding one of them carries code it can never run. */
const LOCAL_BACKEND_SOURCES = ['lib/store/local/', 'lib/runtime/local-services.ts', 'node_modules/lmdb/', 'node_modules/@lmdb/'];

/**
 * The local-backend sources a bundle would load (from the entry, at start or lazily), and any import
 * of lmdb left to run time; empty for a correct Lambda bundle.
 */
export function localBackendSources(metafile: Metafile, entryFile: string): string[] {
  const unreachable = new Set(unreachableOutputs(metafile, entryFile));
  const found = new Set<string>();
  for (const [file, output] of Object.entries(metafile.outputs)) {
    if (unreachable.has(file)) continue;
    for (const source of Object.keys(output.inputs)) if (LOCAL_BACKEND_SOURCES.some((local) => source.includes(local))) found.add(source);
    for (const edge of output.imports) if (edge.external && (edge.path === LMDB || edge.path.startsWith(`${LMDB}/`))) found.add(edge.path);
  }
  return [...found].sort();
}

/** Refuses a function's bundle that carries the local backend; paths are relative to `workingDir`, as esbuild reports them. */
export function assertNoLocalBackend(functionName: string, metafile: Metafile, workingDir: string, outdir: string): void {
  const found = localBackendSources(metafile, path.relative(workingDir, path.join(outdir, BUNDLE_ENTRY)));
  if (found.length > 0) throw new LocalCodeInBundleError(functionName, found);
}
