import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type NpmStart, startNpmStart } from '../support/npm-start.ts';

const ADMIN_TOKEN = 'npm-script-admin-token-0123456789abcdef';

describe('npm run start:aws-local, as a user runs it', () => {
  let dataDir: string;
  let started: NpmStart | undefined;
  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'trustline-aws-local-'));
    // Synthesis (and a build when the bundles are older than the sources) come before the banner.
    started = await startNpmStart({
      script: 'start:aws-local',
      env: { PORT: '0', TRUSTLINE_DATA_DIR: dataDir, TRUSTLINE_ADMIN_TOKEN: ADMIN_TOKEN },
      timeoutMs: 240_000,
    });
  }, 300_000);
  afterAll(async () => {
    // Only if a test failed half-way: the group this file started, nothing else.
    started?.kill();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('prints the banner of npm start saying it runs the built bundles on the AWS adapters, never the admin token', () => {
    const output = started!.output();
    expect(output).toContain('(backend: aws');
    expect(output).toContain('Running the built bundles');
    expect(output).toContain('on the AWS adapters');
    expect(output).toContain('POST    /connect/installed');
    expect(output).not.toContain(ADMIN_TOKEN);
  });

  it('answers /health with backend aws and guards the admin routes with the bearer token of npm start', async () => {
    const { url } = started!;
    expect(await (await fetch(`${url}/health`)).json()).toMatchObject({ status: 'ok', backend: 'aws' });
    expect((await fetch(`${url}/admin/trust`)).status).toBe(401);
    const listed = await fetch(`${url}/admin/trust`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
    expect([listed.status, await listed.json()]).toEqual([200, { entries: [] }]);
  });

  it('stops cleanly on Ctrl-C, its function processes with it', async () => {
    const npm = started!;
    npm.signal('SIGINT', 'group');
    expect(await npm.closed, npm.output().slice(-3000)).toEqual([0, null]);
    expect(npm.output()).toContain('Trustline stopped.');
    // ps exits 1 when no process is left in the group: npm, the server and every function's process are gone.
    // A zombie (state Z) has exited and only waits for its parent or init to reap it: under load an
    // esbuild service of the start's build was seen in that state for a moment after npm closed.
    const left = await promisify(execFile)('ps', ['-o', 'pid=,stat=,args=', '-g', String(npm.child.pid)]).then(
      ({ stdout }) => stdout.split('\n').filter((line) => line.trim() !== '' && !/^\s*\d+\s+Z/.test(line)),
      () => [],
    );
    expect(left).toEqual([]);
  }, 60_000);
});
