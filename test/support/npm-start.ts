import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { REPO_ROOT } from '../../infra/local/functions.ts';

/** `npm start` run as a user runs it, in its own process group. */
export interface NpmStart {
  readonly child: ChildProcess;
  /** The URL its banner printed. */
  readonly url: string;
  /** Everything it printed so far, stdout and stderr, line by line. */
  output(): string;
  /** Its exit code and signal, once it has exited and all its output has been read. */
  readonly closed: Promise<[number | null, NodeJS.Signals | null]>;
  /** Sends `signal` to its whole process group (as Ctrl-C in a terminal does), or to npm alone. */
  signal(signal: NodeJS.Signals, target?: 'group' | 'npm'): void;
  /** SIGKILLs the group if it is still running (cleanup after a failed check). */
  kill(): void;
}

export interface NpmStartOptions {
  /** The package script to run: `start` (default) or `start:aws-local`. */
  readonly script?: 'start' | 'start:aws-local';
  /** Added to this process's environment, whose TRUSTLINE_* variables are left out. */
  readonly env: Readonly<Record<string, string>>;
  /** Each line it prints, as it prints it. */
  readonly onLine?: (line: string) => void;
  /** How long the banner may take before the start counts as hung (default 30 s: a loaded CI machine is slow). */
  readonly timeoutMs?: number;
}

/** Runs `npm start` from the repository root and resolves once its banner names the URL it serves. */
export async function startNpmStart({ script = 'start', env, onLine, timeoutMs = 30_000 }: NpmStartOptions): Promise<NpmStart> {
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('TRUSTLINE_')));
  const child = spawn('npm', ['run', script], { cwd: REPO_ROOT, env: { ...inherited, ...env }, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  const closed = once(child, 'close') as Promise<[number | null, NodeJS.Signals | null]>;
  let text = '';
  let banner: ((url: string) => void) | undefined;
  for (const stream of [child.stdout, child.stderr]) {
    createInterface({ input: stream }).on('line', (line) => {
      text += `${line}\n`;
      onLine?.(line);
      const url = /is running at (http:\/\/127\.0\.0\.1:\d+)/.exec(line)?.[1];
      if (url !== undefined) banner?.(url);
    });
  }
  const group = child.pid;
  const signal = (name: NodeJS.Signals, target: 'group' | 'npm' = 'group') => {
    if (group !== undefined) process.kill(target === 'group' ? -group : group, name);
  };
  const kill = () => {
    if (child.exitCode === null && child.signalCode === null) signal('SIGKILL');
  };

  let timer: NodeJS.Timeout | undefined;
  try {
    const url = await Promise.race([
      new Promise<string>((resolve) => (banner = resolve)),
      closed.then(([code, by]) => Promise.reject(new Error(`npm run ${script} exited (${code ?? by}) before serving:\n${text}`))),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => {
          reject(new Error(`npm run ${script} printed no URL within ${timeoutMs} ms:\n${text}`));
        }, timeoutMs);
      }),
    ]);
    return { child, url, output: () => text, closed, signal, kill };
  } catch (error) {
    kill();
    throw error;
  } finally {
    clearTimeout(timer);
  }
}
