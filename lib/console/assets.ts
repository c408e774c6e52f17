import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { MissingUiSourcesError } from './errors.ts';

/** One file the console serves under /assets/. */
export interface Asset {
  readonly contentType: string;
  readonly body: Buffer;
}

export interface ConsoleAssets {
  /** By file name: `app.js`, `app.css`. */
  readonly files: ReadonlyMap<string, Asset>;
  /** A digest of the bundle, so that a browser never keeps an old app after an update. */
  readonly version: string;
}

const ENTRY = path.join('lib', 'console', 'ui', 'main.tsx');

/**
 * The UI's entry in the repository. Searched upwards because this module also runs from the CLI's
 * compiled copy under node_modules/.cache, whose own location says nothing about the sources.
 */
function uiEntry(): string {
  for (let dir = path.dirname(fileURLToPath(import.meta.url)); ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, ENTRY);
    if (existsSync(candidate)) return candidate;
    if (path.dirname(dir) === dir) throw new MissingUiSourcesError(ENTRY);
  }
}

/**
 * Bundles the UI (Preact, TSX) with esbuild, in memory, when the console starts: the sources ship
 * with the package and no build step or CDN is needed; the build is quick enough that caching it
 * on disk would buy nothing.
 */
export async function buildAssets(): Promise<ConsoleAssets> {
  const esbuild = await import('esbuild');
  const result = await esbuild.build({
    entryPoints: { app: uiEntry() },
    outdir: '/assets',
    bundle: true,
    minify: true,
    format: 'esm',
    target: 'es2022',
    platform: 'browser',
    jsx: 'automatic',
    jsxImportSource: 'preact',
    write: false,
    logLevel: 'silent',
    legalComments: 'none',
  });
  const files = new Map<string, Asset>();
  const hash = createHash('sha256');
  for (const file of result.outputFiles) {
    const name = file.path.slice(file.path.lastIndexOf('/') + 1);
    const body = Buffer.from(file.contents);
    hash.update(name).update(body);
    files.set(name, { contentType: name.endsWith('.css') ? 'text/css; charset=utf-8' : 'text/javascript; charset=utf-8', body });
  }
  return { files, version: hash.digest('hex').slice(0, 12) };
}
