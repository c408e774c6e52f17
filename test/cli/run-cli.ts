import { execFile } from 'node:child_process';
import path from 'node:path';
import { REPO_ROOT } from '../../infra/local/functions.ts';

export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export interface RunOptions {
  /** What stdin holds; it is closed after it (empty by default, as when nobody can answer). */
  readonly input?: string;
  /** The working directory; default the repository root. */
  readonly cwd?: string;
}

/** Runs `bin/trustline.js` as `npx trustline` would, in the repository root, with `env` on top of a clean Trustline environment. */
export function runCli(args: readonly string[], env: Record<string, string> = {}, options: RunOptions = {}): Promise<CliRun> {
  const base = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('TRUSTLINE_') && !name.startsWith('npm_')));
  return new Promise((resolve, reject) => {
    const child = execFile(
      process.execPath,
      [path.join(REPO_ROOT, 'bin/trustline.js'), ...args],
      { cwd: options.cwd ?? REPO_ROOT, env: { ...base, ...env }, timeout: 30_000 },
      (error, stdout, stderr) => {
        if (error !== null && typeof error.code !== 'number') reject(new Error(`bin/trustline.js did not run: ${error.message}`, { cause: error }));
        else resolve({ code: error === null ? 0 : (error.code as number), stdout, stderr });
      },
    );
    child.stdin?.end(options.input ?? '');
  });
}

/**
 * Runs a command line the CLI printed as a next step, exactly as printed: it must start with the
 * program name the CLI was run as (`trustline`, or `npx trustline` when npm_command=exec), and its
 * arguments are split the way a POSIX shell splits them (by `sh` itself).
 */
export async function runPrinted(commandLine: string, env: Record<string, string> = {}, options: RunOptions = {}): Promise<CliRun> {
  const program = env.npm_command === 'exec' ? 'npx trustline ' : 'trustline ';
  if (!commandLine.startsWith(program)) throw new Error(`not a ${program.trim()} command: ${commandLine}`);
  const args = await shellWords(commandLine.slice(program.length));
  return runCli(args, env, options);
}

/** The words `sh` makes of a command line (quotes and escapes as a shell reads them). */
export function shellWords(line: string): Promise<string[]> {
  return new Promise((resolve, reject) => {
    execFile('sh', ['-c', `set -f; for word in ${line}; do printf '%s\\0' "$word"; done`], (error: Error | null, stdout) => {
      if (error !== null) reject(error);
      else resolve(stdout.split('\0').slice(0, -1));
    });
  });
}
