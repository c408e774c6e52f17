import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import packageJson from '../../package.json' with { type: 'json' };
import { type TestRuntime, startTestRuntime } from '../local/start.ts';
import { httpManifest } from '../local/fixtures/manifest.ts';
import { freePort } from '../support/ports.ts';
import { runCli } from './run-cli.ts';

describe('trustline CLI', () => {
  it('prints its usage with --help and exits 0', async () => {
    const run = await runCli(['--help']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Usage: trustline');
    expect(run.stdout).toContain('status');
  });

  it('prints the package version with --version and exits 0', async () => {
    const run = await runCli(['--version']);
    expect(run).toMatchObject({ code: 0, stdout: `${packageJson.version}\n` });
  });

  it('exits 2 on an unknown command, with the message on stderr and nothing on stdout', async () => {
    const run = await runCli(['no-such-command']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("unknown command 'no-such-command'");
    expect(run.stdout).toBe('');
  });

  it('exits 2 on an unknown option and, with --json, prints the usage error as the one JSON document', async () => {
    const run = await runCli(['status', '--json', '--no-such-option']);
    expect(run.code).toBe(2);
    const document = JSON.parse(run.stdout) as { error: { code: string; message: string } };
    expect(document.error.code).toBe('USAGE');
    expect(document.error.message).toContain('--no-such-option');
  });

  it('says plainly that Trustline is not running, and exits 1', async () => {
    const url = `http://127.0.0.1:${await freePort()}`;
    const run = await runCli(['status'], { TRUSTLINE_URL: url });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`Trustline is not running at ${url}: start it with npm start`);
    expect(run.stdout).toBe('');
  });

  it('reports "not running" as the one JSON document with --json', async () => {
    const url = `http://127.0.0.1:${await freePort()}`;
    const run = await runCli(['status', '--json'], { TRUSTLINE_URL: url });
    expect(run.code).toBe(1);
    expect(JSON.parse(run.stdout)).toMatchObject({ error: { code: 'NOT_RUNNING' } });
  });

  it('exits 2 when TRUSTLINE_URL is not a URL', async () => {
    const run = await runCli(['status'], { TRUSTLINE_URL: 'not a url' });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('TRUSTLINE_URL');
  });
});

describe('trustline status against a running local runtime', () => {
  let t: TestRuntime;
  beforeAll(async () => {
    t = await startTestRuntime({ manifest: httpManifest });
  });
  afterAll(() => t.stop());

  it('prints exactly one JSON document with --json and exits 0', async () => {
    const run = await runCli(['status', '--json'], { TRUSTLINE_URL: t.rt.url, TRUSTLINE_DATA_DIR: t.dataDir });
    expect(run.code).toBe(0);
    expect(run.stderr).toBe('');
    expect(JSON.parse(run.stdout)).toEqual({ url: t.rt.url, status: 'ok', version: packageJson.version, backend: 'local' });
  });

  it('prints one line for a person without --json', async () => {
    const run = await runCli(['status'], { TRUSTLINE_URL: t.rt.url });
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(`Trustline ${packageJson.version} is running at ${t.rt.url} (status: ok, backend: local).\n`);
  });
});
