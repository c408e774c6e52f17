import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type MailServer, mailLogin } from '../../lib/mail/index.ts';
import type { ConnectionTestReport, IntegrationView } from '../../lib/oauth/index.ts';
import { createTrustContext } from '../../lib/trust/index.ts';
import type { TrustStore } from '../../lib/trust/ports.ts';
import { signInAtProvider } from '../oauth/fixtures/browser.ts';
import { runCli } from '../oauth/fixtures/cli.ts';
import { type Harness, startHarness } from '../oauth/fixtures/harness.ts';
import { createCustomArgs, mailArgs } from '../oauth/fixtures/create-args.ts';
import { chain } from '../support/tls/pki.ts';
import { type Dovecot, dovecotBinary, startDovecot } from './fixtures/dovecot.ts';

describe('the system tier without Dovecot', () => {
  it('fails loudly and names `npm run setup:system` instead of skipping', () => {
    expect(() => dovecotBinary({ paths: ['/nonexistent/sbin/dovecot'], usePath: false, libexec: '/nonexistent/lib/dovecot' })).toThrow(
      /not installed.*npm run setup:system/,
    );
  });
});

/**
 * System tier: a real Dovecot (passdb oauth2 introspecting at the loopback oidc-provider) and
 * Trustline's local runtime. Fails loudly, naming `npm run setup:system`, when Dovecot is missing.
 */
describe('mail logins against Dovecot with passdb oauth2', () => {
  let h: Harness;
  let both: Dovecot;
  let xoauth2Only: Dovecot;
  let integration: IntegrationView;
  let rootPem: string;

  beforeAll(async () => {
    dovecotBinary();
    h = await startHarness();
    const pki = await chain();
    rootPem = pki.root.pem;
    const introspection = new URL(h.as.introspectionEndpoint);
    introspection.username = h.as.introspector.clientId;
    introspection.password = h.as.introspector.clientSecret;
    const tls = { certificatePem: pki.leaf.pem + pki.intermediate.pem, keyPem: pki.leaf.keyPem };
    both = await startDovecot({ introspectionUrl: introspection.href, ...tls });
    xoauth2Only = await startDovecot({ introspectionUrl: introspection.href, mechanisms: ['xoauth2'], ...tls });
    // The one shared truststore: Dovecot's private CA is trusted because an admin added it.
    await h.deps.trustStore.add(rootPem, 'dovecot-test-root');
    integration = await h.createCustom('Dovecot mailbox', {
      mailServer: { protocol: 'imap', host: '127.0.0.1', port: xoauth2Only.imapPort, security: 'starttls', username: h.as.account },
    });
    const page = await h.openCallback(await h.signIn(integration.id));
    if (page.status !== 200) throw new Error(`authorization failed: ${page.text}`);
  });
  afterAll(async () => {
    // beforeAll may have failed part-way (Dovecot missing): close what was started.
    const started = [both as Dovecot | undefined, xoauth2Only as Dovecot | undefined, h as Harness | undefined];
    for (const peer of started) await peer?.close();
  });

  async function testWith(mailServer: Omit<MailServer, 'username'>): Promise<ConnectionTestReport> {
    const patched = await h.admin('PATCH', `/admin/integrations/${integration.id}`, { mailServer: { ...mailServer, username: h.as.account } });
    expect(patched.status).toBe(200);
    const report = await h.admin<ConnectionTestReport>('POST', `/admin/integrations/${integration.id}/test`);
    expect(report.status).toBe(200);
    return report.body;
  }

  async function currentToken(): Promise<string> {
    return (await h.admin<{ accessToken: string }>('GET', `/admin/integrations/${integration.id}/token`)).body.accessToken;
  }

  it('the CLI journey: create, authorize in the browser, then `test` passes through a real Dovecot XOAUTH2 login', async () => {
    const env = { url: h.runtime.url, adminToken: h.deps.config.adminToken ?? '', extra: { TRUSTLINE_CLIENT_SECRET: h.as.clientSecret } };
    const created = await runCli(
      createCustomArgs('CLI journey', h.as, ...mailArgs({ protocol: 'imap', port: xoauth2Only.imapPort, security: 'starttls', username: h.as.account })),
      env,
    );
    expect(created.code).toBe(0);
    const authorize = await runCli(['integrations', 'authorize', 'CLI journey'], env);
    const url = /^(http:\/\/\S+\/auth\?\S+)$/m.exec(authorize.stdout)?.[1] ?? '';
    expect((await h.openCallback(await signInAtProvider(url, `${h.publicUrl}/oauth/callback/`))).status).toBe(200);
    const shown = JSON.parse((await runCli(['integrations', 'show', 'CLI journey', '--json'], env)).stdout) as { id: string; status: string };
    expect(shown.status).toBe('authorized');

    const tested = await runCli(['integrations', 'test', 'CLI journey'], env);
    expect(tested.code).toBe(0);
    expect(tested.stdout).toContain(
      `ok   mail-login: Logged in to the IMAP server 127.0.0.1:${xoauth2Only.imapPort} as ${h.as.account} with XOAUTH2 over STARTTLS`,
    );
    const token = (await h.admin<{ accessToken: string }>('GET', `/admin/integrations/${shown.id}/token`)).body.accessToken;
    expect(await h.as.introspect(token)).toMatchObject({ active: true, sub: h.as.account });
  });

  it('test connection refreshes the token, then logs in over IMAP STARTTLS with XOAUTH2', async () => {
    const report = await testWith({ protocol: 'imap', host: '127.0.0.1', port: xoauth2Only.imapPort, security: 'starttls' });
    expect(report.steps.map((step) => [step.name, step.ok])).toEqual([
      ['token', true],
      ['mail-login', true],
    ]);
    expect(report.steps[1]?.message).toContain('with XOAUTH2 over STARTTLS');
    expect(await xoauth2Only.log()).toMatch(/imap-login: Info: Login: user=<alice@example\.test>, method=XOAUTH2/);
  });

  it('logs in over IMAP with implicit TLS using OAUTHBEARER where offered', async () => {
    const report = await testWith({ protocol: 'imap', host: '127.0.0.1', port: both.imapsPort, security: 'tls' });
    expect(report.ok).toBe(true);
    expect(report.steps[1]?.message).toContain('with OAUTHBEARER over implicit TLS');
  });

  it('logs in over POP3 STARTTLS with AUTH XOAUTH2', async () => {
    const report = await testWith({ protocol: 'pop3', host: '127.0.0.1', port: xoauth2Only.pop3Port, security: 'starttls' });
    expect(report.ok).toBe(true);
    expect(report.steps[1]?.message).toContain('POP3 server');
    expect(report.steps[1]?.message).toContain('with XOAUTH2 over STARTTLS');
    expect(await xoauth2Only.log()).toMatch(/pop3-login: Info: Login: user=<alice@example\.test>, method=XOAUTH2/);
  });

  it('logs in over POP3 with implicit TLS using OAUTHBEARER where offered', async () => {
    const report = await testWith({ protocol: 'pop3', host: '127.0.0.1', port: both.pop3sPort, security: 'tls' });
    expect(report.ok).toBe(true);
    expect(report.steps[1]?.message).toContain('with OAUTHBEARER over implicit TLS');
  });

  it("refuses another account's token (the SASL user must match the token's subject)", async () => {
    const token = await currentToken();
    expect(await h.as.introspect(token)).toMatchObject({ active: true, sub: h.as.account });
    await expect(
      mailLogin({ protocol: 'imap', host: '127.0.0.1', port: both.imapsPort, security: 'tls', username: 'mallory@example.test' }, token, h.deps.trust),
    ).rejects.toMatchObject({ code: 'MAIL_AUTH_FAILED' });
  });

  it('names the untrusted certificate and the fix when the CA is not in the truststore', async () => {
    const emptyTrust = createTrustContext(emptyStore());
    const error = await mailLogin(
      { protocol: 'imap', host: '127.0.0.1', port: both.imapsPort, security: 'tls', username: h.as.account },
      await currentToken(),
      emptyTrust,
    ).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'MAIL_TLS_FAILED' });
    expect((error as Error).message).toContain('does not trust the TLS certificate');
    expect((error as { fix: string }).fix).toContain(`\`npx trustline trust add --from 127.0.0.1:${both.imapsPort} --protocol imaps\``);
  });
  // Last: revoking the access token revokes the whole grant at oidc-provider.
  it('Dovecot refuses a revoked access token over IMAP and POP3', async () => {
    const token = await currentToken();
    const server = { host: '127.0.0.1', security: 'tls', username: h.as.account } as const;
    await expect(mailLogin({ ...server, protocol: 'imap', port: both.imapsPort }, token, h.deps.trust)).resolves.toMatchObject({ mechanism: 'OAUTHBEARER' });
    await h.as.revoke(token);
    expect(await h.as.introspect(token)).toMatchObject({ active: false });
    await expect(mailLogin({ ...server, protocol: 'imap', port: both.imapsPort }, token, h.deps.trust)).rejects.toMatchObject({ code: 'MAIL_AUTH_FAILED' });
    await expect(mailLogin({ ...server, protocol: 'pop3', port: xoauth2Only.pop3sPort }, token, h.deps.trust)).rejects.toMatchObject({
      code: 'MAIL_AUTH_FAILED',
    });
  });
});

/** Node's roots only: the test CA is not among them. */
function emptyStore(): TrustStore {
  return { add: () => Promise.reject(new Error('read-only')), list: () => Promise.resolve([]), remove: () => Promise.resolve(false) };
}
