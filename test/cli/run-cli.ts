import { execFile } from 'node:child_process';
import path from 'node:path';
import { REPO_ROOT } from '../../infra/local/functions.ts';

export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `bin/trustline.js` as `npx trustline` would, in the repository root, with `env` on top of a clean Trustline environment. */
export function runCli(args: readonly string[], env: Record<string, string> = {}): Promise<CliRun> {
  const base = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('TRUSTLINE_')));
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [path.join(REPO_ROOT, 'bin/trustline.js'), ...args],
      { cwd: REPO_ROOT, env: { ...base, ...env }, timeout: 30_000 },
      (error, stdout, stderr) => {
        if (error !== null && typeof error.code !== 'number') reject(new Error(`bin/trustline.js did not run: ${error.message}`, { cause: error }));
        else resolve({ code: error === null ? 0 : (error.code as number), stdout, stderr });
      },
    );
  });
}
