import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signInAtProvider } from './fixtures/browser.ts';
import { type CliRun, runCli } from './fixtures/cli.ts';
import { type Harness, startHarness } from './fixtures/harness.ts';
import { createCustomArgs } from './fixtures/create-args.ts';

/** `trustline integrations ...` against the local runtime: create, authorize in the browser, test, refresh, delete. */
describe('trustline integrations', () => {
  let h: Harness;
  let dir: string;
  let secretFile: string;
  let id: string;
  const cli = (...args: string[]): Promise<CliRun> => runCli(args, { url: h.runtime.url, adminToken: h.deps.config.adminToken ?? '' });

  beforeAll(async () => {
    h = await startHarness();
    dir = await mkdtemp(path.join(os.tmpdir(), 'trustline-cli-'));
    secretFile = path.join(dir, 'client-secret');
    await writeFile(secretFile, `${h.as.clientSecret}\n`, { mode: 0o600 });
  });
  afterAll(async () => {
    await h.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('create prints the redirect URL to register and the next step', async () => {
    const run = await cli(...createCustomArgs('CLI mailbox', h.as, '--client-secret-file', secretFile));
    expect(run.code).toBe(0);
    id = /\(([0-9a-f-]{36})\)/.exec(run.stdout)?.[1] ?? '';
    expect(id).not.toBe('');
    expect(run.stdout).toContain(`${h.publicUrl}/oauth/callback/`);
    expect(run.stdout).toContain("trustline integrations authorize 'CLI mailbox'");
  });

  it('authorize prints the provider URL to open; after the browser sign-in the integration is authorized', async () => {
    const run = await cli('integrations', 'authorize', 'CLI mailbox');
    expect(run.code).toBe(0);
    const url = /^(http:\/\/\S+\/auth\?\S+)$/m.exec(run.stdout)?.[1];
    expect(url).toBeDefined();
    const page = await h.openCallback(await signInAtProvider(url ?? '', `${h.publicUrl}/oauth/callback/`));
    expect(page.status).toBe(200);
    const shown = await cli('integrations', 'show', id, '--json');
    expect(JSON.parse(shown.stdout)).toMatchObject({ id, status: 'authorized', clientSecretSet: true });
  });

  it('list shows each integration with its status', async () => {
    const run = await cli('integrations', 'list');
    expect(run.stdout).toMatch(/^NAME +PROVIDER +STATUS +LAST ERROR +NEXT STEP +ID$/m);
    expect(run.stdout).toMatch(new RegExp(`^CLI mailbox +custom +authorized +${id}$`, 'm'));
  });

  it('test exits 0 when every step passes', async () => {
    const run = await cli('integrations', 'test', id);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('ok   token:');
    expect(run.stdout).toContain('Connection test passed.');
  });

  it('test exits 1 and shows the fix when a step fails', async () => {
    h.as.behaviour.failTokenEndpoint = 'invalid-grant';
    try {
      const run = await cli('integrations', 'test', id, '--json');
      expect(run.code).toBe(1);
      expect(JSON.parse(run.stdout)).toMatchObject({ ok: false, steps: [{ name: 'token', ok: false, code: 'TOKEN_ENDPOINT_FAILED' }] });
    } finally {
      h.as.behaviour.failTokenEndpoint = 'no';
    }
  });

  it('refresh exits 1 and says to authorize again when the provider rejects the grant', async () => {
    h.as.behaviour.failTokenEndpoint = 'invalid-grant';
    try {
      const run = await cli('integrations', 'refresh', id);
      expect(run.code).toBe(1);
      expect(run.stderr).toContain('authorize the integration again');
      const shown = await cli('integrations', 'show', id);
      expect(shown.stdout).toContain('  status:                 needs-reauthorization');
      expect(shown.stdout).toContain("so mail stops until someone signs in again. Run: trustline integrations authorize 'CLI mailbox'");
      expect((await cli('integrations', 'list')).stdout).toMatch(
        /needs-reauthorization +TOKEN_ENDPOINT_FAILED +trustline integrations authorize 'CLI mailbox'/,
      );
    } finally {
      h.as.behaviour.failTokenEndpoint = 'no';
    }
  });

  it('refresh exits 0 and prints the new expiry once the provider accepts again', async () => {
    const run = await cli('integrations', 'refresh', 'cli mailbox');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/Refreshed "CLI mailbox": status authorized, access token valid until \d{4}-/);
  });

  it('create without a client secret is bad usage (exit 2) and creates nothing', async () => {
    const run = await cli('integrations', 'create', '--provider', 'google', '--name', 'No secret', '--client-id', 'c');
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('client secret is missing');
    expect((await cli('integrations', 'list')).stdout).not.toContain('No secret');
  });

  it("an invalid setting comes back as exit 2 with the server's explanation", async () => {
    const plainHttp = {
      clientId: 'c',
      authorizationEndpoint: 'http://as.example.com/a',
      tokenEndpoint: 'http://as.example.com/t',
      issuer: 'http://as.example.com',
    };
    const run = await cli(...createCustomArgs('Plain', plainHttp, '--client-secret-file', secretFile));
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('must use HTTPS');
  });

  it('delete removes the integration', async () => {
    expect((await cli('integrations', 'delete', id)).code).toBe(0);
    expect((await cli('integrations', 'show', id)).code).toBe(2);
  });
});
