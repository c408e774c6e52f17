import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../infra/local/functions.ts';

/** Resolves with the first match of `pattern` in the child's stdout, or rejects after `ms`. */
function waitForOutput(child: ChildProcess, output: { text: string }, pattern: RegExp, ms: number): Promise<RegExpExecArray> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.stdout?.off('data', check);
      reject(new Error(`no ${pattern} within ${ms} ms; output so far:\n${output.text}`));
    }, ms);
    const check = () => {
      const match = pattern.exec(output.text);
      if (match === null) return;
      clearTimeout(timer);
      child.stdout?.off('data', check);
      resolve(match);
    };
    child.stdout?.on('data', check);
    check();
  });
}

describe('npm start', () => {
  let dataDir: string;
  let child: ChildProcess | undefined;
  beforeEach(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'trustline-start-'));
  });
  afterEach(async () => {
    // Only if a test failed half-way: the group this test started, nothing else.
    if (child?.exitCode === null && child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
    await rm(dataDir, { recursive: true, force: true });
  });

  it.each([
    ['Ctrl-C (SIGINT to its process group)', 'SIGINT', true],
    ['SIGTERM to npm alone', 'SIGTERM', false],
  ] as const)('serves /health within 10 s and exits 0 on %s, never printing the admin token', async (_name, stopSignal, group) => {
    const inherited = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('TRUSTLINE_')));
    const env = { ...inherited, PORT: '0', TRUSTLINE_DATA_DIR: dataDir };
    child = spawn('npm', ['start'], { cwd: REPO_ROOT, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    const output = { text: '' };
    const collect = (chunk: Buffer) => {
      output.text += chunk.toString();
    };
    child.stdout!.on('data', collect);
    child.stderr!.on('data', collect);
    const exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;

    const [, url] = await waitForOutput(child, output, /is running at (http:\/\/127\.0\.0\.1:\d+)/, 10_000);
    const health = await fetch(`${url}/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: 'ok', backend: 'local' });

    process.kill(group ? -child.pid! : child.pid!, stopSignal);
    const [code, signal] = await Promise.race([
      exited,
      new Promise<never>((_, reject) => {
        setTimeout(() => {
          reject(new Error(`no exit within 10 s:\n${output.text}`));
        }, 10_000);
      }),
    ]);
    expect({ code, signal }).toEqual({ code: 0, signal: null });
    expect(output.text).toContain('Trustline stopped.');
    const token = (await readFile(path.join(dataDir, 'admin-token'), 'utf8')).trim();
    expect(output.text).not.toContain(token);
  });
});
