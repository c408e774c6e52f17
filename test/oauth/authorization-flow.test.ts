import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IntegrationView } from '../../lib/oauth/index.ts';
import { readTokens } from '../../lib/oauth/token-store.ts';
import { type Harness, startHarness } from './fixtures/harness.ts';

describe('authorization code flow with PKCE through the local runtime', () => {
  let h: Harness;
  let integration: IntegrationView;
  let callbackUrl: string;

  beforeAll(async () => {
    h = await startHarness({ accessTokenTtlSeconds: 3600 });
    integration = await h.createCustom('Support mailbox');
    callbackUrl = await h.signIn(integration.id);
  });
  afterAll(() => h.close());

  it('starts not-authorized with the redirect URL built from the public URL', () => {
    expect(integration.status).toBe('not-authorized');
    expect(integration.redirectUrl).toMatch(new RegExp(`^${h.publicUrl}/oauth/callback/[A-Za-z0-9_-]{22}$`));
  });

  it('sends the provider a PKCE S256 challenge, a state and the exact redirect URI', async () => {
    const started = await h.admin<{ authorizationUrl: string }>('POST', `/admin/integrations/${integration.id}/authorize`);
    const url = new URL(started.body.authorizationUrl);
    expect(url.origin + url.pathname).toBe(h.as.authorizationEndpoint);
    expect(url.searchParams.get('code_challenge_method')).toBe('S256');
    expect(url.searchParams.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(url.searchParams.get('state')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(url.searchParams.get('redirect_uri')).toBe(integration.redirectUrl);
    expect(url.searchParams.get('scope')).toBe('mail offline_access');
  });

  it('answers the callback with a page saying the integration is authorized', async () => {
    const page = await h.openCallback(callbackUrl);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(page.text).toContain('Support mailbox');
    expect(page.text).toContain('now authorized');
  });

  it('exchanged the code with the PKCE verifier and the same redirect URI', () => {
    const exchange = h.as.tokenRequests.find((request) => request.grantType === 'authorization_code');
    expect(exchange?.body.get('code_verifier')).toMatch(/^[A-Za-z0-9_-]{43,128}$/);
    expect(exchange?.body.get('redirect_uri')).toBe(integration.redirectUrl);
  });

  it('shows status authorized with the access-token expiry, and no secret', async () => {
    const shown = await h.admin<IntegrationView & Record<string, unknown>>('GET', `/admin/integrations/${integration.id}`);
    expect(shown.body.status).toBe('authorized');
    expect(Date.parse(shown.body.accessTokenExpiresAt ?? '')).toBeGreaterThan(Date.now());
    expect(shown.body.clientSecretSet).toBe(true);
    expect(shown.text).not.toContain(h.as.clientSecret);
    expect(shown.body).not.toHaveProperty('clientSecret');
  });

  it('stores access token, refresh token, expiry and granted scopes in the secret store', async () => {
    const tokens = await readTokens(h.deps.secrets, integration.id);
    expect(tokens?.refreshToken).toBeTruthy();
    expect(tokens?.expiresAt).toBeGreaterThan(Date.now());
    expect(tokens?.scope?.split(' ').sort()).toEqual(['mail', 'offline_access']);
  });

  it('hands out an access token the provider introspects as active for the signed-in account', async () => {
    const token = await h.admin<{ accessToken: string; expiresAt: string }>('GET', `/admin/integrations/${integration.id}/token`);
    expect(token.status).toBe(200);
    const introspection = await h.as.introspect(token.body.accessToken);
    expect(introspection).toMatchObject({ active: true, client_id: h.as.clientId, sub: h.as.account });
  });
});
