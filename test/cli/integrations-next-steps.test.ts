import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signInAtProvider } from '../oauth/fixtures/browser.ts';
import { type CliRun, runCli } from '../oauth/fixtures/cli.ts';
import { type Harness, startHarness } from '../oauth/fixtures/harness.ts';
import { createCustomArgs } from '../oauth/fixtures/create-args.ts';
import { startRuntime } from '../support/tls/runtime.ts';
import { runCli as runCliProcess, shellWords } from './run-cli.ts';

/** The integrations CLI against the real local runtime and a loopback provider; every printed next step is run as printed. */
describe('integrations: every printed next step runs as printed', () => {
  let h: Harness;
  let dir: string;
  let secretFile: string;
  const cli = (...args: string[]): Promise<CliRun> => runCli(args, { url: h.runtime.url, adminToken: h.deps.config.adminToken ?? '' });
  /** Runs a printed `trustline …` line (the in-process CLI stands for the `trustline` program). */
  const runPrinted = async (line: string): Promise<CliRun> => {
    expect(line).toMatch(/^trustline /);
    return cli(...(await shellWords(line.slice('trustline '.length))));
  };
  const commandsIn = (text: string) =>
    text
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l.startsWith('trustline '));
  const custom = (name: string) => createCustomArgs(name, h.as, '--client-secret-file', secretFile);

  beforeAll(async () => {
    h = await startHarness();
    dir = await mkdtemp(path.join(os.tmpdir(), 'trustline-steps-'));
    secretFile = path.join(dir, 'client-secret');
    await writeFile(secretFile, `${h.as.clientSecret}\n`, { mode: 0o600 });
  });
  afterAll(async () => {
    await h.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('create -> the printed authorize -> the browser -> the command the callback page names -> passes', async () => {
    const created = await cli(...custom("Support's mailbox"));
    expect(created.code).toBe(0);
    const [authorize] = commandsIn(created.stdout);
    expect(authorize).toBe(`trustline integrations authorize 'Support'\\''s mailbox'`);
    const started = await runPrinted(authorize ?? '');
    expect(started.code).toBe(0);
    const url = /^(http:\/\/\S+\/auth\?\S+)$/m.exec(started.stdout)?.[1] ?? '';
    const page = await h.openCallback(await signInAtProvider(url, `${h.publicUrl}/oauth/callback/`));
    expect(page.status).toBe(200);
    const onPage = /<code>npx trustline (integrations test [^<]+)<\/code>/.exec(page.text.replaceAll('&#39;', "'"))?.[1] ?? '';
    expect(onPage).toBe(`integrations test 'Support'\\''s mailbox'`);
    const tested = await runPrinted(`trustline ${onPage}`);
    expect(tested.code).toBe(0);
    expect(tested.stdout).toContain('Connection test passed.');
  });

  it('update says when the redirect URL changed, prints the new one and the authorize command, which works', async () => {
    await cli(...custom('Moving mailbox'));
    const before = JSON.parse((await cli('integrations', 'show', 'Moving mailbox', '--json')).stdout) as { redirectUrl: string };
    const updated = await cli('integrations', 'update', 'Moving mailbox', '--token-endpoint', `${h.as.tokenEndpoint}?v=2`);
    expect(updated.code).toBe(0);
    expect(updated.stdout).toContain('the redirect URL changed');
    const after = JSON.parse((await cli('integrations', 'show', 'Moving mailbox', '--json')).stdout) as { redirectUrl: string; status: string };
    expect(after.redirectUrl).not.toBe(before.redirectUrl);
    expect(updated.stdout).toContain(after.redirectUrl);
    const [authorize] = commandsIn(updated.stdout);
    expect(authorize).toBe("trustline integrations authorize 'Moving mailbox'");
    expect((await runPrinted(authorize ?? '')).code).toBe(0);

    const same = await cli('integrations', 'update', 'Moving mailbox', '--description', 'only the text');
    expect(same.stdout).toContain('The redirect URL is unchanged');
  });

  it('show and create carry the redirect-base warning for a loopback IP (API: warnings [{code, message}])', async () => {
    const shown = await cli('integrations', 'show', 'Moving mailbox', '--json');
    expect(JSON.parse(shown.stdout)).toMatchObject({ warnings: [{ code: 'PRIVATE_REDIRECT_HOST' }] });
    const text = await cli('integrations', 'show', 'Moving mailbox');
    expect(text.stdout).toContain('Warning: The redirect URLs point at 127.0.0.1, a loopback IP address: Google refuses');
  });
});

describe('integrations: bad values are exit 2 naming the flag, never a server error', () => {
  let h: Harness;
  let dir: string;
  let secretFile: string;
  const cli = (...args: string[]): Promise<CliRun> => runCli(args, { url: h.runtime.url, adminToken: h.deps.config.adminToken ?? '' });

  beforeAll(async () => {
    h = await startHarness();
    dir = await mkdtemp(path.join(os.tmpdir(), 'trustline-flags-'));
    secretFile = path.join(dir, 'client-secret');
    await writeFile(secretFile, 'a-client-secret\n', { mode: 0o600 });
  });
  afterAll(async () => {
    await h.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('--authorization-endpoint notaurl: 400 problem with the field, exit 2 naming --authorization-endpoint', async () => {
    const api = await h.admin<{ code: string; errors: { field: string }[] }>('POST', '/admin/integrations', {
      provider: 'custom',
      name: 'x',
      clientId: 'c',
      clientSecret: 's',
      authorizationEndpoint: 'notaurl',
      tokenEndpoint: 'https://as.example/t',
      issuer: 'https://as.example',
    });
    expect(api.status).toBe(400);
    expect(api.headers.get('content-type')).toBe('application/problem+json');
    expect(api.body).toMatchObject({ code: 'VALIDATION_FAILED', type: '/problems/validation-failed', errors: [{ field: 'authorizationEndpoint' }] });
    const badUrls = { clientId: 'c', authorizationEndpoint: 'notaurl', tokenEndpoint: 'https://as.example/t', issuer: `https://${'a'.repeat(3000)}.example` };
    const run = await cli(...createCustomArgs('Bad URL', badUrls, '--client-secret-file', secretFile));
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--authorization-endpoint: must be an absolute https:// URL');
    expect(run.stderr).toContain('--issuer: ');
  });

  it('lists every missing required flag at once', async () => {
    const run = await cli('integrations', 'create', '--provider', 'custom');
    expect(run.code).toBe(2);
    for (const flag of ['--name', '--client-id', '--client-secret-file', '--authorization-endpoint', '--token-endpoint', '--issuer'])
      expect(run.stderr).toContain(flag);
    expect(run.stderr).toContain('keep it out of your shell history');
  });

  it('a missing flag other than the secret gets a hint about that flag, not about the secret', async () => {
    const run = await cli('integrations', 'create', '--provider', 'custom', '--name', 'n', '--client-id', 'c', '--client-secret-file', secretFile);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('Missing required flags: --authorization-endpoint URL, --token-endpoint URL, --issuer URL.');
    expect(run.stderr).not.toContain('client secret');
    expect(run.stderr).toMatch(/trustline integrations create --help lists every flag/);
  });

  it('--mail-port without --mail-protocol is an error', async () => {
    const run = await cli(
      'integrations',
      'create',
      '--provider',
      'google',
      '--name',
      'Mail port',
      '--client-id',
      'c',
      '--client-secret-file',
      secretFile,
      '--mail-port',
      '993',
    );
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--mail-port needs --mail-protocol');
  });

  it('a loopback http endpoint refused (no development flag) names TRUSTLINE_DEV_ALLOW_LOOPBACK_HTTP', async () => {
    const runtime = await startRuntime(['integrations']);
    try {
      const run = await runCliProcess(
        [
          'integrations',
          'create',
          '--provider',
          'custom',
          '--name',
          'Loopback',
          '--client-id',
          'c',
          '--client-secret-file',
          secretFile,
          '--authorization-endpoint',
          'http://127.0.0.1:9/a',
          '--token-endpoint',
          'https://as.example/t',
          '--issuer',
          'https://as.example',
          '--scope',
          'mail',
        ],
        runtime.env,
      );
      expect(run.code).toBe(2);
      expect(run.stderr).toContain('--authorization-endpoint: The authorizationEndpoint must use HTTPS');
      expect(run.stderr).toContain('start Trustline with TRUSTLINE_DEV_ALLOW_LOOPBACK_HTTP=1');
    } finally {
      await runtime.stop();
    }
  });

  it("a refused admin token: the CLI prints the server's explanation unredacted", async () => {
    const run = await runCli(['integrations', 'list'], { url: h.runtime.url, adminToken: 'not-the-right-token-at-all' });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('Authorization: Bearer <token>');
    expect(run.stderr).not.toContain('[REDACTED]');
  });
});
