import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { saveInstallation } from '../../lib/jwt/connect-installations.ts';
import { systemClock } from '../../lib/clock.ts';
import { createLocalStores } from '../../lib/store/local/index.ts';
import { runCli } from '../cli/run-cli.ts';
import { CLIENT_KEY, requestToken, SHARED_SECRET } from './support/tokens.ts';

const SIGNED = '/download/attachments/123/file%20name%2B%28v2%29.pdf';
const RECEIVED = '/download/attachments/123/file%20name+(v2).pdf';

describe('trustline jwt', () => {
  it('qsh prints the hash of the published example', async () => {
    const run = await runCli(['jwt', 'qsh', '--method', 'GET', '--url', '/test?param=value']);
    expect(run).toMatchObject({ code: 0, stdout: 'be16910858a41fd19ea5c1b4e9decca9a784d1024cb00b2158defe2f29dc86dd\n' });
  });

  it('canonical prints the canonical request relative to the base URL', async () => {
    const run = await runCli(['jwt', 'canonical', '--method', 'get', '--url', '/app/panel/?b=2&a=1&jwt=x', '--base-url', 'https://apps.example.com/app']);
    expect(run).toMatchObject({ code: 0, stdout: 'GET&/panel&a=1&b=2\n' });
  });

  it('verify exits 0 for a valid token', async () => {
    const token = await requestToken('GET', SIGNED, Date.now());
    const run = await runCli(['jwt', 'verify', '--token', token, '--method', 'GET', '--url', SIGNED, '--secret', SHARED_SECRET]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^valid: signed by /);
  });

  it("verify --json exits 1 with QSH_MISMATCH and names Apache's nocanon for the seed's URL", async () => {
    const token = await requestToken('GET', SIGNED, Date.now());
    const run = await runCli(['jwt', 'verify', '--token', token, '--method', 'GET', '--url', RECEIVED, '--secret', SHARED_SECRET, '--json']);
    expect(run.code).toBe(1);
    expect(JSON.parse(run.stdout)).toMatchObject({
      valid: false,
      error: { code: 'QSH_MISMATCH' },
      diagnosis: { matchedTransformation: 'apache-mod-proxy/decoded-path', fix: expect.stringContaining('nocanon') as string },
    });
  });

  it('verify --client-key reads the shared secret from the local secret store', async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'trustline-cli-jwt-'));
    try {
      const { secrets } = createLocalStores({ dataDir, clock: systemClock });
      await saveInstallation(secrets, {
        clientKey: CLIENT_KEY,
        sharedSecret: SHARED_SECRET,
        baseUrl: 'https://example.atlassian.net',
        installedAt: new Date().toISOString(),
      });
      const token = await requestToken('GET', '/panel', Date.now());
      const run = await runCli(['jwt', 'verify', '--token', token, '--method', 'GET', '--url', '/panel', '--client-key', CLIENT_KEY, '--json'], {
        TRUSTLINE_DATA_DIR: dataDir,
      });
      expect([run.code, JSON.parse(run.stdout)]).toMatchObject([0, { valid: true }]);
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  it('verify exits 2 when both --secret and --client-key are given', async () => {
    const run = await runCli(['jwt', 'verify', '--token', 'a.b.c', '--method', 'GET', '--url', '/x', '--secret', 's', '--client-key', 'k']);
    expect(run.code).toBe(2);
  });

  it('exits 2 for a method that is not an HTTP method', async () => {
    const run = await runCli(['jwt', 'qsh', '--method', 'G T', '--url', '/x']);
    expect(run.code).toBe(2);
  });
});
