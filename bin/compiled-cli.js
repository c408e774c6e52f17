// The CLI compiled once and reused: esbuild builds lib/cli/main.ts (with what it imports from lib/)
// into node_modules/.cache/trustline-cli/<fingerprint>/, and later runs import that build while the
// sources it was compiled from are unchanged. Packages stay external (Node loads them from
// node_modules as usual) and code splitting keeps each dynamic import in its own file, so a command
// still loads only what it uses. A run then starts as plain JavaScript, without tsx's loader hooks
// in the way of every module the CLI loads.
import { createHash } from 'node:crypto';
import { readdir, readFile, rename, rm, stat, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import process from 'node:process';
import { fileURLToPath, pathToFileURL, URL } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const cacheDir = path.join(root, 'node_modules', '.cache', 'trustline-cli');
const manifestFile = path.join(cacheDir, 'manifest');
const ENTRY = 'lib/cli/main.ts';
/** This file is part of every fingerprint: a change to the build settings below invalidates old builds. */
const SELF = path.relative(root, fileURLToPath(import.meta.url));
/** A build unused for this long is removed; no CLI run lasts that long, so none is still loading from it. */
const UNUSED_MS = 60 * 60 * 1000;
/** @type {Readonly<Record<string, 'ts' | 'js' | 'json'>>} */
const LOADERS = { '.ts': 'ts', '.js': 'js', '.mjs': 'js', '.json': 'json' };

/** @typedef {{ main(argv: readonly string[]): Promise<number> }} CliModule */

/**
 * The CLI's main module, compiled; built first when no build matches the sources. Undefined when it
 * cannot be built here (esbuild missing, node_modules read-only, a syntax error): the caller then runs
 * lib/ through tsx, which reports any error in the sources.
 * @returns {Promise<CliModule | undefined>}
 */
export async function compiledCli() {
  try {
    const dir = (await currentBuild()) ?? (await build());
    // eslint-disable-next-line @typescript-eslint/no-unsafe-return -- main.mjs is lib/cli/main.ts, compiled
    return await import(pathToFileURL(path.join(dir, 'main.mjs')).href);
  } catch {
    return undefined;
  }
}

/**
 * The directory of the last build when every source it was compiled from is unchanged.
 * @returns {Promise<string | undefined>}
 */
async function currentBuild() {
  try {
    // The manifest: the build's fingerprint, then the sources it was compiled from, one a line.
    const [id = '', ...inputs] = (await readFile(manifestFile, 'utf8')).split('\n');
    const files = await Promise.all(inputs.map(async (file) => /** @type {const} */ ([file, await readFile(path.join(root, file))])));
    if (fingerprint(files) !== id) return undefined;
    const dir = path.join(cacheDir, id);
    // Marks the build as in use, so that a build made meanwhile for other sources does not remove it.
    const now = new Date();
    await utimes(dir, now, now);
    return dir;
  } catch {
    return undefined;
  }
}

/**
 * Compiles the CLI and records what it was compiled from: the fingerprint covers exactly the bytes
 * esbuild read, so a file saved during the build leaves a build that the next run finds stale.
 * @returns {Promise<string>}
 */
async function build() {
  const esbuild = await import('esbuild');
  /** @type {Map<string, Buffer>} */
  const sources = new Map([[SELF, await readFile(path.join(root, SELF))]]);
  const tmp = path.join(cacheDir, `tmp-${String(process.pid)}-${String(Date.now())}`);
  await esbuild.build({
    absWorkingDir: root,
    entryPoints: { main: ENTRY },
    outdir: tmp,
    outExtension: { '.js': '.mjs' },
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    packages: 'external',
    sourcemap: true,
    logLevel: 'silent',
    plugins: [
      {
        name: 'record-sources',
        setup(builder) {
          builder.onLoad({ filter: /.*/ }, async (args) => {
            const contents = await readFile(args.path);
            sources.set(path.relative(root, args.path), contents);
            return { contents, loader: LOADERS[path.extname(args.path)] ?? 'js' };
          });
        },
      },
    ],
  });
  const files = [...sources].sort(([a], [b]) => a.localeCompare(b));
  const id = fingerprint(files);
  const dir = path.join(cacheDir, id);
  // Another run may have built the same sources meanwhile: its build serves as well.
  await rename(tmp, dir).catch(() => rm(tmp, { recursive: true, force: true }));
  const manifestTmp = `${tmp}.json`;
  await writeFile(manifestTmp, [id, ...files.map(([file]) => file)].join('\n'));
  await rename(manifestTmp, manifestFile);
  await removeUnusedBuilds(id);
  return dir;
}

/**
 * One hash over the paths and contents of the sources, in the order given.
 * @param {readonly (readonly [string, Buffer])[]} files
 */
function fingerprint(files) {
  const hash = createHash('sha256');
  for (const [file, contents] of files) hash.update(`${file}\0${String(contents.length)}\0`).update(contents);
  return hash.digest('hex').slice(0, 32);
}

/**
 * Removes builds (and abandoned temporary ones) that no run has used for UNUSED_MS.
 * @param {string} keep
 */
async function removeUnusedBuilds(keep) {
  const cutoff = Date.now() - UNUSED_MS;
  for (const name of await readdir(cacheDir)) {
    if (name === keep || name === path.basename(manifestFile)) continue;
    const entry = path.join(cacheDir, name);
    try {
      if ((await stat(entry)).mtimeMs < cutoff) await rm(entry, { recursive: true, force: true });
    } catch {
      // Removed by a concurrent run.
    }
  }
}
