import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IntegrationView } from '../../lib/oauth/index.ts';
import { integrationSecretName, readIntegrationSecret, readTokens } from '../../lib/oauth/token-store.ts';
import { type Harness, startHarness } from './fixtures/harness.ts';

/** The integration resource over the admin API: presets, validation, write-only secret, redirect URL rules. */
describe('integrations admin API', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h.close());

  const create = (body: Record<string, unknown>) => h.admin<IntegrationView & { code?: string; errors?: unknown[] }>('POST', '/admin/integrations', body);
  const patch = (id: string, body: Record<string, unknown>) =>
    h.admin<IntegrationView & { redirectUrlChanged: boolean; notice?: string; code?: string }>('PATCH', `/admin/integrations/${id}`, body);

  it('creates a Google integration with the preset filled in and the secret shown only as set', async () => {
    const answer = await create({
      provider: 'google',
      name: 'Gmail support',
      clientId: 'id.apps.googleusercontent.com',
      clientSecret: 'google-secret-value-123',
    });
    expect(answer.status).toBe(201);
    expect(answer.headers.get('location')).toBe(`/admin/integrations/${answer.body.id}`);
    expect(answer.body).toMatchObject({
      provider: 'google',
      issuer: 'https://accounts.google.com',
      scopes: ['https://mail.google.com/'],
      status: 'not-authorized',
      clientSecretSet: true,
    });
    expect(answer.text).not.toContain('google-secret-value-123');
    // One secret per integration, holding only the client secret until it is authorized.
    expect(JSON.parse((await h.deps.secrets.get(integrationSecretName(answer.body.id)))?.value ?? '{}')).toEqual({ clientSecret: 'google-secret-value-123' });
  });

  it('fills the Microsoft mail host when a mail server is given without one', async () => {
    const answer = await create({
      provider: 'microsoft',
      name: 'Exchange POP3',
      tenant: 'contoso.onmicrosoft.com',
      clientId: 'app-id',
      clientSecret: 'ms-secret-value-123',
      mailServer: { protocol: 'pop3', security: 'tls', username: 'helpdesk@contoso.com' },
    });
    expect(answer.body.mailServer).toEqual({ protocol: 'pop3', host: 'outlook.office365.com', port: 995, security: 'tls', username: 'helpdesk@contoso.com' });
  });

  it('refuses a custom integration without its endpoints (400, nothing created)', async () => {
    const before = (await h.admin<{ integrations: unknown[] }>('GET', '/admin/integrations')).body.integrations.length;
    const answer = await create({ provider: 'custom', name: 'Incomplete', clientId: 'c', clientSecret: 's' });
    expect(answer.status).toBe(400);
    expect(answer.body.code).toBe('INVALID_INTEGRATION');
    expect((await h.admin<{ integrations: unknown[] }>('GET', '/admin/integrations')).body.integrations.length).toBe(before);
  });

  it('refuses plain-http endpoints that are not loopback, even in development', async () => {
    const answer = await create({
      provider: 'custom',
      name: 'Plain http',
      clientId: 'c',
      clientSecret: 's',
      scopes: ['mail'],
      authorizationEndpoint: 'http://as.example.com/auth',
      tokenEndpoint: 'http://as.example.com/token',
      issuer: 'http://as.example.com',
    });
    expect(answer.status).toBe(400);
    expect(answer.body.code).toBe('INSECURE_ENDPOINT');
  });

  it('refuses unknown fields such as a status or a redirect URL', async () => {
    const answer = await create({ provider: 'google', name: 'Sneaky', clientId: 'c', clientSecret: 's', status: 'authorized' });
    expect(answer.status).toBe(400);
    expect(answer.body.code).toBe('VALIDATION_FAILED');
  });

  it('keeps names unique regardless of case (409)', async () => {
    await h.createCustom('Unique Name');
    const answer = await create({ provider: 'google', name: 'unique name', clientId: 'c', clientSecret: 's' });
    expect(answer.status).toBe(409);
    expect(answer.body.code).toBe('INTEGRATION_NAME_TAKEN');
  });

  it('keeps the redirect URL and the grant when the name, description or scopes change', async () => {
    const integration = await h.createCustom('Editable');
    await h.openCallback(await h.signIn(integration.id));
    const answer = await patch(integration.id, { name: 'Edited', description: 'Support inbox', scopes: ['mail', 'offline_access', 'openid'] });
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({
      name: 'Edited',
      description: 'Support inbox',
      redirectUrl: integration.redirectUrl,
      status: 'authorized',
      redirectUrlChanged: false,
    });
    expect(answer.body.notice).toBeUndefined();
    expect(await readTokens(h.deps.secrets, integration.id)).toBeDefined();
  });

  it('changes the redirect URL when an endpoint changes, says so, and returns to not-authorized', async () => {
    const integration = await h.createCustom('Moving endpoints');
    await h.openCallback(await h.signIn(integration.id));
    const answer = await patch(integration.id, { tokenEndpoint: `${h.as.issuer}/token?v=2` });
    expect(answer.status).toBe(200);
    expect(answer.body.redirectUrlChanged).toBe(true);
    expect(answer.body.redirectUrl).not.toBe(integration.redirectUrl);
    expect(answer.body.notice).toContain('register the new redirectUrl at the provider');
    expect(answer.body.status).toBe('not-authorized');
    expect(await readIntegrationSecret(h.deps.secrets, integration.id)).toEqual({ clientSecret: h.as.clientSecret });
  });

  it('renames without freeing the old name for someone else too early, and frees it after', async () => {
    const integration = await h.createCustom('Old name');
    await patch(integration.id, { name: 'New name' });
    expect((await create({ provider: 'google', name: 'New name', clientId: 'c', clientSecret: 's' })).status).toBe(409);
    expect((await create({ provider: 'google', name: 'Old name', clientId: 'c', clientSecret: 's' })).status).toBe(201);
  });

  it('replaces the client secret on PATCH, keeping the grant, without ever returning it', async () => {
    const integration = await h.createCustom('Rotated secret');
    await h.openCallback(await h.signIn(integration.id));
    const tokens = await readTokens(h.deps.secrets, integration.id);
    const answer = await patch(integration.id, { clientSecret: 'a-brand-new-secret-value' });
    expect(answer.text).not.toContain('a-brand-new-secret-value');
    expect(answer.body.status).toBe('authorized');
    expect(tokens).toBeDefined();
    expect(await readIntegrationSecret(h.deps.secrets, integration.id)).toEqual({ clientSecret: 'a-brand-new-secret-value', tokens });
  });

  it('deletes the integration with its secrets, then answers 404', async () => {
    const integration = await h.createCustom('Short-lived');
    await h.openCallback(await h.signIn(integration.id));
    expect((await h.admin('DELETE', `/admin/integrations/${integration.id}`)).status).toBe(204);
    expect(await h.deps.secrets.get(integrationSecretName(integration.id))).toBeUndefined();
    expect((await h.admin('GET', `/admin/integrations/${integration.id}`)).status).toBe(404);
    expect((await h.admin('DELETE', `/admin/integrations/${integration.id}`)).status).toBe(404);
  });

  it('answers 401 without the admin token and changes nothing', async () => {
    const response = await fetch(`${h.runtime.url}/admin/integrations`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ provider: 'google', name: 'No token', clientId: 'c', clientSecret: 's' }),
    });
    expect(response.status).toBe(401);
    const names = (await h.admin<{ integrations: IntegrationView[] }>('GET', '/admin/integrations')).body.integrations.map((i) => i.name);
    expect(names).not.toContain('No token');
  });
});
