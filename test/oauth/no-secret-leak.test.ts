import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { logger } from '../../lib/observe/logger.ts';
import { type IntegrationSecret, integrationSecretName } from '../../lib/oauth/token-store.ts';
import { type SmtpPeer, startSmtpPeer } from '../mail/fixtures/smtp.ts';
import { captureStdio } from '../support/stdio.ts';
import { chain } from '../support/tls/pki.ts';
import { signInAtProvider } from './fixtures/browser.ts';
import { runCli } from './fixtures/cli.ts';
import { type Harness, type Response, startHarness } from './fixtures/harness.ts';
import { createCustomArgs, mailArgs } from './fixtures/create-args.ts';

/**
 * The proof of "never logged, printed or returned": a whole life of an integration (CLI create,
 * browser authorization, replay, token-endpoint failures, refreshes with rotation, a failing
 * mail login, token access, a bad request) with every log line, every HTTP answer other than the
 * token hand-out, and all CLI output captured; then no client secret, code, PKCE verifier,
 * access token or refresh token may appear in any of it.
 */
describe('no secret reaches a log line, an HTTP answer or the CLI', () => {
  let h: Harness;
  let smtp: SmtpPeer;
  const logLines: string[] = [];
  const answers: string[] = [];
  const cliOutput: string[] = [];
  const secrets = new Set<string>();

  const record = <T>(response: Response<T>): Response<T> => {
    answers.push(response.text);
    return response;
  };
  const cli = async (...args: string[]) => {
    const run = await runCli(args, { url: h.runtime.url, adminToken: h.deps.config.adminToken ?? '', extra: { TRUSTLINE_CLIENT_SECRET: h.as.clientSecret } });
    cliOutput.push(run.stdout, run.stderr);
    return run;
  };
  const collectStoredTokens = async (id: string) => {
    for (const stage of ['current', 'previous'] as const) {
      const version = await h.deps.secrets.get(integrationSecretName(id), { stage });
      if (version === undefined) continue;
      const { clientSecret, tokens } = JSON.parse(version.value) as IntegrationSecret;
      secrets.add(clientSecret);
      if (tokens === undefined) continue;
      secrets.add(tokens.accessToken);
      secrets.add(tokens.refreshToken);
    }
  };

  beforeAll(async () => {
    h = await startHarness({ accessTokenTtlSeconds: 600, rotateRefreshToken: true });
    const pki = await chain();
    smtp = await startSmtpPeer({
      secure: true,
      certificatePem: pki.leaf.pem + pki.intermediate.pem,
      keyPem: pki.leaf.keyPem,
      verify: async (username, token) => (await h.as.introspect(token ?? '')).sub === username,
    });
    await h.deps.trustStore.add(pki.root.pem);
    secrets.add(h.as.clientSecret);
    const previousLevel = logger.getLevelName();
    logger.setLogLevel('DEBUG');

    const captured = await captureStdio(async () => {
      const created = await cli(
        ...createCustomArgs('Leak check', h.as, ...mailArgs({ protocol: 'smtp', port: smtp.port, username: 'not-the-owner@example.test' })),
      );
      const id = /\(([0-9a-f-]{36})\)/.exec(created.stdout)?.[1] ?? '';
      const authorizeUrl = (run: { stdout: string }) => /^(http:\/\/\S+\/auth\?\S+)$/m.exec(run.stdout)?.[1] ?? '';

      // Authorized through the browser, then the same answer replayed.
      const callback = await signInAtProvider(authorizeUrl(await cli('integrations', 'authorize', id)), `${h.publicUrl}/oauth/callback/`);
      record(await h.openCallback(callback));
      record(await h.openCallback(callback));
      await collectStoredTokens(id);

      // A second authorization whose code exchange fails at the token endpoint.
      const failing = await signInAtProvider(authorizeUrl(await cli('integrations', 'authorize', id)), `${h.publicUrl}/oauth/callback/`);
      h.as.behaviour.failTokenEndpoint = 'http-500';
      record(await h.openCallback(failing));
      h.as.behaviour.failTokenEndpoint = 'no';

      // Refreshes (rotating), a connection test whose mail login is refused, a rejected refresh.
      await cli('integrations', 'refresh', id);
      await collectStoredTokens(id);
      await cli('integrations', 'test', id, '--json');
      await collectStoredTokens(id);
      h.as.behaviour.failTokenEndpoint = 'invalid-grant';
      await cli('integrations', 'refresh', id, '--json');
      await cli('integrations', 'test', id);
      h.as.behaviour.failTokenEndpoint = 'no';
      await cli('integrations', 'show', id, '--json');
      await cli('integrations', 'list');

      // Token access close to expiry refreshes first (its answer carries the token by design).
      h.deps.clock.advance(590_000);
      const handedOut = await h.admin<{ accessToken: string }>('GET', `/admin/integrations/${id}/token`);
      secrets.add(handedOut.body.accessToken);
      await collectStoredTokens(id);

      // A bad request carrying the secret in a valid field next to an invalid one.
      record(await h.admin('PATCH', `/admin/integrations/${id}`, { clientSecret: h.as.clientSecret, tokenEndpoint: 'not a url' }));
      record(await h.admin('GET', `/admin/integrations/${id}`));
      record(await h.admin('GET', '/admin/integrations'));
      await cli('integrations', 'delete', id);
    });
    logger.setLogLevel(previousLevel);
    logLines.push(...captured.lines);

    for (const request of h.as.tokenRequests) {
      for (const field of ['code', 'code_verifier', 'refresh_token', 'client_secret']) {
        const value = request.body.get(field);
        if (value !== null) secrets.add(value);
      }
    }
  });
  afterAll(async () => {
    await smtp.close();
    await h.close();
  });

  it('collected the material it checks for (codes, verifiers, several access and refresh tokens)', () => {
    const codes = h.as.tokenRequests.filter((request) => request.grantType === 'authorization_code').length;
    expect(codes).toBeGreaterThanOrEqual(2);
    expect(secrets.size).toBeGreaterThanOrEqual(10);
    expect(logLines.some((line) => line.includes('OAuth integration authorized'))).toBe(true);
    expect(cliOutput.join('')).toContain('Connection test failed.');
  });

  it('no log line contains any of them', () => {
    for (const secret of secrets) expect(logLines.filter((line) => line.includes(secret))).toEqual([]);
  });

  it('no HTTP answer (callback pages, problems, views) contains any of them', () => {
    for (const secret of secrets) expect(answers.filter((answer) => answer.includes(secret))).toEqual([]);
  });

  it('no CLI output contains any of them', () => {
    for (const secret of secrets) expect(cliOutput.filter((output) => output.includes(secret))).toEqual([]);
  });
});
