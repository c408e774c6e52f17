import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IntegrationView } from '../../lib/oauth/index.ts';
import { TOKEN_ACCESS_MARGIN_MS } from '../../lib/oauth/index.ts';
import { readTokens } from '../../lib/oauth/token-store.ts';
import { type Harness, startHarness } from './fixtures/harness.ts';

/** GET /admin/integrations/{id}/token: how the mail fetcher gets a valid access token. */
describe('token access', () => {
  let h: Harness;
  let integration: IntegrationView;
  const ttlSeconds = 3600;
  const refreshes = () => h.as.tokenRequests.filter((request) => request.grantType === 'refresh_token').length;
  const getToken = () => h.admin<{ accessToken: string; expiresAt: string }>('GET', `/admin/integrations/${integration.id}/token`);

  beforeAll(async () => {
    // rotateRefreshToken: reusing a spent refresh token revokes the whole grant, as strict providers do.
    h = await startHarness({ accessTokenTtlSeconds: ttlSeconds, rotateRefreshToken: true });
    integration = await h.createCustom('Fetcher');
    await h.openCallback(await h.signIn(integration.id));
  });
  afterAll(() => h.close());

  it('returns the stored token without calling the provider while it has more than 5 minutes left', async () => {
    const before = refreshes();
    const token = await getToken();
    expect(token.status).toBe(200);
    expect(token.body.accessToken).toBe((await readTokens(h.deps.secrets, integration.id))?.accessToken);
    expect(refreshes()).toBe(before);
  });

  it('refreshes first when the token expires within 5 minutes, storing the rotated refresh token', async () => {
    const old = await readTokens(h.deps.secrets, integration.id);
    h.deps.clock.advance(ttlSeconds * 1000 - TOKEN_ACCESS_MARGIN_MS + 1000);
    const token = await getToken();
    expect(token.status).toBe(200);
    expect(token.body.accessToken).not.toBe(old?.accessToken);
    const stored = await readTokens(h.deps.secrets, integration.id);
    expect(stored?.refreshToken).not.toBe(old?.refreshToken);
    expect(await h.as.introspect(token.body.accessToken)).toMatchObject({ active: true });
  });

  it('lets concurrent callers share one refresh under the lease, so no refresh token is spent twice', async () => {
    h.deps.clock.advance(ttlSeconds * 1000);
    const before = refreshes();
    const answers = await Promise.all(Array.from({ length: 5 }, () => getToken()));
    expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200, 200, 200]);
    expect(new Set(answers.map((answer) => answer.body.accessToken)).size).toBe(1);
    expect(refreshes()).toBe(before + 1);
    expect(await h.as.introspect(answers[0]!.body.accessToken)).toMatchObject({ active: true });
  });

  it('forces a refresh on POST .../refresh and answers with the integration, not the tokens', async () => {
    const before = await readTokens(h.deps.secrets, integration.id);
    const answer = await h.admin<IntegrationView>('POST', `/admin/integrations/${integration.id}/refresh`);
    expect(answer.status).toBe(200);
    expect(answer.body.status).toBe('authorized');
    const after = await readTokens(h.deps.secrets, integration.id);
    expect(after?.accessToken).not.toBe(before?.accessToken);
    expect(answer.text).not.toContain(after?.accessToken ?? 'x');
    expect(answer.text).not.toContain(after?.refreshToken ?? 'x');
  });

  it('answers 409 NOT_AUTHORIZED for an integration that was never authorized', async () => {
    const fresh = await h.createCustom('Not yet');
    const answer = await h.admin<{ code: string; fix: string }>('GET', `/admin/integrations/${fresh.id}/token`);
    expect(answer.status).toBe(409);
    expect(answer.body.code).toBe('NOT_AUTHORIZED');
    expect(answer.body.fix).toMatch(/`npx trustline integrations authorize [0-9a-f-]{36}`/);
  });

  it('answers 404 for an unknown integration', async () => {
    const answer = await h.admin<{ code: string }>('GET', '/admin/integrations/00000000-0000-4000-8000-000000000000/token');
    expect(answer.status).toBe(404);
    expect(answer.body.code).toBe('INTEGRATION_NOT_FOUND');
  });
});

describe('token access with short-lived tokens', () => {
  let h: Harness;
  let integration: IntegrationView;
  const refreshes = () => h.as.tokenRequests.filter((request) => request.grantType === 'refresh_token').length;

  beforeAll(async () => {
    h = await startHarness({ accessTokenTtlSeconds: 60, rotateRefreshToken: true });
    integration = await h.createCustom('Fast poller');
    await h.openCallback(await h.signIn(integration.id));
  });
  afterAll(() => h.close());

  it('refreshes a 60-second token only in the second half of its life, not on every call', async () => {
    const first = await readTokens(h.deps.secrets, integration.id);
    // The provider computes `expires_in` in whole seconds on its own (real) clock, so a second boundary
    // passing between issuing and answering makes it 59: the stored lifetime is what it announced.
    const lifetime = (first?.expiresAt ?? Number.NaN) - (first?.obtainedAt ?? 0);
    expect([59_000, 60_000]).toContain(lifetime);
    const before = refreshes();
    const get = () => h.admin<{ accessToken: string }>('GET', `/admin/integrations/${integration.id}/token`);
    h.deps.clock.advance(lifetime / 2 - 1_000);
    expect((await get()).body.accessToken).toBe(first?.accessToken);
    expect(refreshes()).toBe(before);
    h.deps.clock.advance(2_000);
    const refreshed = await get();
    expect(refreshed.body.accessToken).not.toBe(first?.accessToken);
    expect(refreshes()).toBe(before + 1);
    expect(await h.as.introspect(refreshed.body.accessToken)).toMatchObject({ active: true });
  });
});
