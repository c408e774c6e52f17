import { execFile } from 'node:child_process';
import { cp, mkdir, mkdtemp, readdir, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../infra/local/functions.ts';

const execFileAsync = promisify(execFile);

/**
 * bin/trustline.js in a project of its own: bin/ as shipped, a two-file lib/cli, and the two packages
 * the launcher uses (so its cache lands in this project's node_modules, not the repository's).
 */
async function createProject(): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'trustline-bin-'));
  await cp(path.join(REPO_ROOT, 'bin'), path.join(dir, 'bin'), { recursive: true });
  await writeFile(path.join(dir, 'package.json'), JSON.stringify({ type: 'module' }));
  await mkdir(path.join(dir, 'node_modules'));
  for (const name of ['esbuild', 'tsx']) await symlink(path.join(REPO_ROOT, 'node_modules', name), path.join(dir, 'node_modules', name));
  await mkdir(path.join(dir, 'lib', 'cli'), { recursive: true });
  await writeFile(
    path.join(dir, 'lib', 'cli', 'main.ts'),
    "import { word } from './word.ts';\n\nexport async function main(argv: readonly string[]): Promise<number> {\n  process.stdout.write(`${word} ${argv.join(' ')}\\n`);\n  return argv.length;\n}\n",
  );
  await setWord(dir, 'first');
  return dir;
}

const setWord = (dir: string, word: string) => writeFile(path.join(dir, 'lib', 'cli', 'word.ts'), `export const word: string = '${word}';\n`);

async function runBin(dir: string, args: readonly string[]): Promise<{ code: number; stdout: string }> {
  try {
    const { stdout } = await execFileAsync(process.execPath, [path.join(dir, 'bin', 'trustline.js'), ...args], { cwd: dir, timeout: 30_000 });
    return { code: 0, stdout };
  } catch (error) {
    const failed = error as { code?: unknown; stdout?: string };
    if (typeof failed.code !== 'number') throw error;
    return { code: failed.code, stdout: failed.stdout ?? '' };
  }
}

const cacheDir = (dir: string) => path.join(dir, 'node_modules', '.cache', 'trustline-cli');

describe('bin/trustline.js', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await createProject();
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('runs lib/cli/main.ts with the arguments and exits with its code', async () => {
    expect(await runBin(dir, ['a', 'b'])).toEqual({ code: 2, stdout: 'first a b\n' });
  });

  it('keeps one compiled build, reused by the next run', async () => {
    await runBin(dir, []);
    const built = await readdir(cacheDir(dir));
    const manifest = path.join(cacheDir(dir), 'manifest');
    const writtenAt = (await stat(manifest)).mtimeMs;
    expect(await runBin(dir, ['again'])).toEqual({ code: 1, stdout: 'first again\n' });
    expect(await readdir(cacheDir(dir))).toEqual(built);
    expect(built.sort()).toEqual([expect.stringMatching(/^[0-9a-f]{32}$/), 'manifest']);
    // A second build would have rewritten the manifest.
    expect((await stat(manifest)).mtimeMs).toBe(writtenAt);
  });

  it('compiles again when a source the CLI imports has changed', async () => {
    await runBin(dir, []);
    await setWord(dir, 'second');
    expect((await runBin(dir, ['x'])).stdout).toBe('second x\n');
  });

  it('runs lib/ through tsx when the build cannot be kept', async () => {
    // node_modules/.cache is a file, so no build directory can be made under it.
    await writeFile(path.join(dir, 'node_modules', '.cache'), '');
    expect(await runBin(dir, ['y'])).toEqual({ code: 1, stdout: 'first y\n' });
  });
});
