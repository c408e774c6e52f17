import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type NpmStart, startNpmStart } from '../support/npm-start.ts';

/** The process of `group` that has no child in it: the one running the server, below npm (and anything npm started it through). */
async function serverProcess(group: number): Promise<number> {
  const { stdout } = await promisify(execFile)('ps', ['-o', 'pid=,ppid=', '-g', String(group)]);
  const rows = stdout
    .trim()
    .split('\n')
    .map((line) => line.trim().split(/\s+/).map(Number) as [number, number]);
  const parents = new Set(rows.map(([, ppid]) => ppid));
  const leaves = rows.filter(([pid]) => !parents.has(pid));
  expect(leaves, stdout).toHaveLength(1);
  return leaves[0]![0];
}

describe('npm start', () => {
  let dataDir: string;
  let started: NpmStart | undefined;
  beforeEach(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'trustline-start-'));
  });
  afterEach(async () => {
    // Only if a test failed half-way: the group this test started, nothing else.
    started?.kill();
    await rm(dataDir, { recursive: true, force: true });
  });

  it.each([
    ['Ctrl-C (SIGINT to its process group)', 'SIGINT', true, false],
    ['SIGTERM to npm alone', 'SIGTERM', false, false],
    // The server's event loop can be busy when Ctrl-C arrives (a scheduled run at work); held
    // here by stopping it for 300 ms. Whatever npm starts it through must not escalate meanwhile
    // (tsx's CLI re-sends the signal, then SIGKILLs and exits 130, when its child has not
    // acknowledged it within 30 ms).
    ['Ctrl-C while the server is busy for 300 ms', 'SIGINT', true, true],
  ] as const)(
    'serves /health and exits 0 on %s, never printing the admin token',
    async (_name, stopSignal, group, busy) => {
      const npm = (started = await startNpmStart({ env: { PORT: '0', TRUSTLINE_DATA_DIR: dataDir } }));
      const { url } = npm;
      const health = await fetch(`${url}/health`);
      expect(health.status).toBe(200);
      expect(await health.json()).toMatchObject({ status: 'ok', backend: 'local' });

      const server = busy ? await serverProcess(npm.child.pid!) : undefined;
      if (server !== undefined) process.kill(server, 'SIGSTOP');
      npm.signal(stopSignal, group ? 'group' : 'npm');
      if (server !== undefined) {
        await sleep(300);
        try {
          process.kill(server, 'SIGCONT');
        } catch (error) {
          // Already killed by whatever it runs under: the exit status below says how.
          if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
        }
      }
      const [code, signal] = await Promise.race([
        npm.closed,
        sleep(20_000, undefined, { ref: false }).then(() => Promise.reject(new Error(`no exit within 20 s:\n${npm.output()}`))),
      ]);
      expect({ code, signal }).toEqual({ code: 0, signal: null });
      expect(npm.output()).toContain('Trustline stopped.');
      const token = (await readFile(path.join(dataDir, 'admin-token'), 'utf8')).trim();
      expect(npm.output()).not.toContain(token);
    },
    90_000,
  );
});
