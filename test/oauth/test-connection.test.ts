import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConnectionTestReport, IntegrationView } from '../../lib/oauth/index.ts';
import { type SmtpPeer, startSmtpPeer } from '../mail/fixtures/smtp.ts';
import { chain } from '../support/tls/pki.ts';
import { type Harness, startHarness } from './fixtures/harness.ts';

/** POST /admin/integrations/{id}/test against smtp-server whose onAuth introspects at oidc-provider. */
describe('test connection', () => {
  let h: Harness;
  let smtp: SmtpPeer;
  let integration: IntegrationView;

  beforeAll(async () => {
    h = await startHarness();
    const pki = await chain();
    smtp = await startSmtpPeer({
      secure: true,
      certificatePem: pki.leaf.pem + pki.intermediate.pem,
      keyPem: pki.leaf.keyPem,
      verify: async (username, token) => {
        const introspection = await h.as.introspect(token ?? '');
        return introspection.active === true && introspection.sub === username;
      },
    });
    await h.deps.trustStore.add(pki.root.pem, 'smtp-test-root');
    integration = await h.createCustom('Outgoing mail', {
      mailServer: { protocol: 'smtp', host: '127.0.0.1', port: smtp.port, security: 'tls', username: h.as.account },
    });
    await h.openCallback(await h.signIn(integration.id));
  });
  afterAll(async () => {
    await smtp.close();
    await h.close();
  });

  const run = async (id = integration.id) => (await h.admin<ConnectionTestReport>('POST', `/admin/integrations/${id}/test`)).body;

  it('refreshes at the token endpoint, then logs in to SMTP with XOAUTH2 over implicit TLS', async () => {
    const refreshesBefore = h.as.tokenRequests.filter((r) => r.grantType === 'refresh_token').length;
    const report = await run();
    expect(report.ok).toBe(true);
    expect(report.steps.map((step) => step.name)).toEqual(['token', 'mail-login']);
    expect(report.steps[0]?.message).toContain('refreshed the access token');
    expect(report.steps[1]?.message).toBe(`Logged in to the SMTP server 127.0.0.1:${smtp.port} as ${h.as.account} with XOAUTH2 over implicit TLS.`);
    expect(h.as.tokenRequests.filter((r) => r.grantType === 'refresh_token').length).toBe(refreshesBefore + 1);
  });

  it('fails the mail step with the server answer when the mailbox is not the one that authorized', async () => {
    await h.admin('PATCH', `/admin/integrations/${integration.id}`, {
      mailServer: { protocol: 'smtp', host: '127.0.0.1', port: smtp.port, security: 'tls', username: 'bob@example.test' },
    });
    try {
      const report = await run();
      expect(report.ok).toBe(false);
      expect(report.steps[0]?.ok).toBe(true);
      expect(report.steps[1]).toMatchObject({ name: 'mail-login', ok: false, code: 'MAIL_AUTH_FAILED' });
      expect(report.steps[1]?.fix).toContain('account that authorized');
    } finally {
      await h.admin('PATCH', `/admin/integrations/${integration.id}`, {
        mailServer: { protocol: 'smtp', host: '127.0.0.1', port: smtp.port, security: 'tls', username: h.as.account },
      });
    }
  });

  it('still tries the mail login with the stored token when the token endpoint fails', async () => {
    h.as.behaviour.failTokenEndpoint = 'http-500';
    let report: ConnectionTestReport;
    try {
      report = await run();
    } finally {
      h.as.behaviour.failTokenEndpoint = 'no';
    }
    expect(report.ok).toBe(false);
    expect(report.steps[0]).toMatchObject({ name: 'token', ok: false, code: 'TOKEN_ENDPOINT_FAILED' });
    expect(report.steps[1]).toMatchObject({ name: 'mail-login', ok: true });
  });

  it('reports only the token step when no mail server is configured', async () => {
    const bare = await h.createCustom('Token only');
    await h.openCallback(await h.signIn(bare.id));
    const report = await run(bare.id);
    expect(report).toMatchObject({ ok: true, steps: [{ name: 'token', ok: true }] });
  });

  it('says the integration must be authorized first, and skips the login', async () => {
    const fresh = await h.createCustom('Never authorized', {
      mailServer: { protocol: 'smtp', host: '127.0.0.1', port: smtp.port, security: 'tls', username: h.as.account },
    });
    const report = await run(fresh.id);
    expect(report.ok).toBe(false);
    expect(report.steps[0]).toMatchObject({ name: 'token', ok: false, code: 'NOT_AUTHORIZED' });
    expect(report.steps[1]).toMatchObject({ name: 'mail-login', ok: false, code: 'NO_ACCESS_TOKEN' });
  });
});
