import { readdir, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import type { FunctionSpec } from '../../../functions/manifest.ts';
import { BUNDLE_ENTRY, repoRoot } from '../../aws/bundling.ts';

/** What the bundles are built from: a change to any of these makes them stale. */
const SOURCES = ['functions', 'lib', 'infra/aws/bundling.ts', 'package.json', 'package-lock.json'];

export const DIST_DIR = path.join(repoRoot, 'dist');

/** The entry of a function's bundle, where `npm run build` writes it. */
export const bundleFile = (spec: Pick<FunctionSpec, 'name'>): string => path.join(DIST_DIR, spec.name, BUNDLE_ENTRY);

/** Why the bundles must be rebuilt (one is missing, or a source is newer than the oldest), or undefined when they are current. */
export async function staleBundles(specs: readonly FunctionSpec[]): Promise<string | undefined> {
  let oldest = Infinity;
  for (const spec of specs) {
    const built = await stat(bundleFile(spec)).catch(() => undefined);
    if (built === undefined) return `${path.relative(repoRoot, bundleFile(spec))} is missing`;
    oldest = Math.min(oldest, built.mtimeMs);
  }
  for (const source of SOURCES) {
    const newer = await newerFile(path.join(repoRoot, source), oldest);
    if (newer !== undefined) return `${path.relative(repoRoot, newer)} is newer than the bundles`;
  }
  return undefined;
}

/** Builds the bundles as `npm run build` does when they are stale; says why on `log`. */
export async function ensureBundles(specs: readonly FunctionSpec[], log: (line: string) => void): Promise<void> {
  const reason = await staleBundles(specs);
  if (reason === undefined) return;
  log(`Building the bundles (${reason}), as npm run build does...`);
  // Loaded only when needed: the build pulls in esbuild's API and the bundle graph.
  const { buildBundles } = await import('../../../scripts/build.ts');
  // Built aside, then moved in: another aws-local (a parallel test file) may be building too, or
  // already running on bundles it built, whose lazily loaded chunks must stay where they are.
  const staging = path.join(repoRoot, `.dist-building-${String(process.pid)}`);
  try {
    await buildBundles(specs, staging);
    if ((await staleBundles(specs)) === undefined) return;
    await rm(DIST_DIR, { recursive: true, force: true });
    await rename(staging, DIST_DIR).catch((error: unknown) => {
      // ENOTEMPTY or EEXIST: the other build got there first, with the same sources.
      if (!['ENOTEMPTY', 'EEXIST'].includes((error as NodeJS.ErrnoException).code ?? '')) throw error;
    });
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

async function newerFile(file: string, than: number): Promise<string | undefined> {
  const info = await stat(file).catch(() => undefined);
  if (info === undefined) return undefined;
  if (!info.isDirectory()) return info.mtimeMs > than ? file : undefined;
  for (const entry of await readdir(file, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const child = path.join(entry.parentPath, entry.name);
    if ((await stat(child)).mtimeMs > than) return child;
  }
  return undefined;
}
