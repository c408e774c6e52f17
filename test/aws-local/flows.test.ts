import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { manifest } from '../../functions/manifest.ts';
import { type ScheduledInvocation, scheduledInvocation } from '../../functions/scheduled-event.ts';
import { type AwsLocal, startAwsLocal } from '../../infra/local/aws/start.ts';
import { qsh } from '../../lib/jwt/qsh.ts';
import { loadConfig } from '../../lib/runtime/config.ts';
import { representativeEvent } from '../bench/lambda-events.ts';
import { startKeyServer, type KeyServer } from '../jwt/support/key-server.ts';
import { CLIENT_KEY, SHARED_SECRET, installKeyPair, lifecycleToken, requestToken } from '../jwt/support/tokens.ts';
import { type AuthorizationServer, startAuthorizationServer } from '../oauth/fixtures/authorization-server.ts';
import { startJwtIssuer } from '../support/oidc-jwt-issuer.ts';
import { signInAtProvider } from '../oauth/fixtures/browser.ts';
import { judgeCall } from '../support/iam-simulation.ts';
import { freePort } from '../support/ports.ts';
import { selfSigned } from '../support/tls/pki.ts';
import { serve } from '../tls/helpers.ts';

// The built bundles on the AWS adapters, each with its template environment and role, through whole flows;
// then every AWS call they made is judged against the calling function's synthesized IAM policy.
const ADMIN_TOKEN = 'aws-local-admin-token-0123456789abcdef';
const KID = 'connect-install/aws-local';

let local: AwsLocal;
let as: AuthorizationServer;
let keyServer: KeyServer;
let signer: Awaited<ReturnType<typeof installKeyPair>>;
let publicUrl: string;
/** Stops what beforeAll started, last first, even when it failed half-way. */
const cleanups: (() => Promise<unknown>)[] = [];
/** Every line the functions and the peers printed. */
const logs: string[] = [];

beforeAll(async () => {
  const port = await freePort();
  publicUrl = `http://127.0.0.1:${port}`;
  const dataDir = await mkdtemp(path.join(tmpdir(), 'trustline-aws-local-'));
  cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
  // Tokens live 5 minutes, so an authorized integration is due for the scheduled refresh at once.
  as = await startAuthorizationServer({ publicUrl, accessTokenTtlSeconds: 300 });
  cleanups.push(() => as.close());
  keyServer = await startKeyServer();
  cleanups.push(() => keyServer.close());
  signer = await installKeyPair();
  keyServer.keys.set(KID, signer.publicPem);
  const config = loadConfig({
    PORT: String(port),
    TRUSTLINE_ADMIN_TOKEN: ADMIN_TOKEN,
    TRUSTLINE_DATA_DIR: dataDir,
    TRUSTLINE_DEV_ALLOW_LOOPBACK_HTTP: '1',
    TRUSTLINE_CONNECT_INSTALL_KEYS_URL: keyServer.baseUrl,
  });
  local = await startAwsLocal({
    config,
    log: (source, line) => {
      logs.push(`[${source}] ${line}`);
      // Shown only for a test that fails (silent: 'passed-only'): the functions' own account of what went wrong.
      // eslint-disable-next-line no-console -- the runner ties console output to the test that wrote it
      console.log(`[${source}] ${line}`);
    },
  });
  cleanups.push(() => local.close());
}, 300_000);

afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
}, 60_000);

interface Answer<T> {
  readonly status: number;
  readonly body: T;
}

async function call<T = Record<string, unknown>>(
  method: string,
  route: string,
  body?: unknown,
  headers: Record<string, string> = { authorization: `Bearer ${ADMIN_TOKEN}` },
): Promise<Answer<T>> {
  const response = await fetch(`${local.runtime.url}${route}`, {
    method,
    headers: { ...headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, body: (text === '' ? undefined : text.startsWith('{') ? JSON.parse(text) : text) as T };
}

const scheduled = (name: string): ScheduledInvocation => {
  const schedule = manifest.find((fn) => fn.name === name)?.schedules?.[0];
  return scheduledInvocation(name, schedule?.cron ?? '');
};

describe('npm run start:aws-local: the built bundles on the AWS adapters', () => {
  it('answers /health from the health bundle, on the aws backend', async () => {
    expect(await call('GET', '/health', undefined, {})).toMatchObject({ status: 200, body: { status: 'ok', backend: 'aws' } });
  });

  describe('OAuth against oidc-provider', () => {
    let integrationId: string;

    it('creates an integration, authorizes it through the provider and stores its tokens from the callback', async () => {
      const created = await call<{ id: string; redirectUrl: string }>('POST', '/admin/integrations', {
        provider: 'custom',
        name: 'aws-local mail',
        clientId: as.clientId,
        clientSecret: as.clientSecret,
        authorizationEndpoint: as.authorizationEndpoint,
        tokenEndpoint: as.tokenEndpoint,
        issuer: as.issuer,
        scopes: ['mail', 'offline_access'],
      });
      expect(created.status).toBe(201);
      integrationId = created.body.id;
      expect(created.body.redirectUrl.startsWith(`${publicUrl}/oauth/callback/`)).toBe(true);

      const started = await call<{ authorizationUrl: string }>('POST', `/admin/integrations/${integrationId}/authorize`);
      expect(started.status).toBe(200);
      const callback = await signInAtProvider(started.body.authorizationUrl, `${publicUrl}/oauth/callback/`);
      const page = await fetch(callback, { redirect: 'manual' });
      expect(page.status).toBe(200);
      await page.body?.cancel();

      expect((await call('GET', `/admin/integrations/${integrationId}`)).body).toMatchObject({ status: 'authorized' });
    });

    it('hands out an access token the provider knows as active', async () => {
      const token = await call<{ accessToken: string }>('GET', `/admin/integrations/${integrationId}/token`);
      expect(token.status).toBe(200);
      expect(await as.introspect(token.body.accessToken)).toMatchObject({ active: true, client_id: as.clientId });
    });

    it('refreshes it on the schedule through the SQS fan-out: the run queues it, the worker refreshes it', async () => {
      const before = (await call<{ lastRefreshAt?: string }>('GET', `/admin/integrations/${integrationId}`)).body.lastRefreshAt;
      const refreshes = as.tokenRequests.filter((r) => r.grantType === 'refresh_token').length;
      // With less time left than the run keeps in reserve, it refreshes nothing itself and queues every due integration.
      const report = await local.invoke('token-refresh', scheduled('token-refresh'), { remainingMs: 10_000 });
      expect(report).toMatchObject({ due: 1, enqueued: 1 });
      await local.queuesIdle();

      expect(as.tokenRequests.filter((r) => r.grantType === 'refresh_token')).toHaveLength(refreshes + 1);
      const after = (await call<{ status: string; lastRefreshAt?: string }>('GET', `/admin/integrations/${integrationId}`)).body;
      expect(after.status).toBe('authorized');
      expect(after.lastRefreshAt).not.toBe(before);
      const queueCalls = local.calls.filter((c) => c.action.startsWith('sqs:')).map((c) => `${c.function} ${c.action}`);
      expect(queueCalls).toEqual(
        expect.arrayContaining(['token-refresh sqs:SendMessage', 'token-refresh-worker sqs:ReceiveMessage', 'token-refresh-worker sqs:DeleteMessage']),
      );
    });

    it('deletes the integration and its secret', async () => {
      expect((await call('DELETE', `/admin/integrations/${integrationId}`)).status).toBe(204);
      expect((await call('GET', `/admin/integrations/${integrationId}`)).status).toBe(404);
    });
  });

  describe('certificate checks', () => {
    it('checks an endpoint, alerts through SNS on the state change, and recovers once its certificate is trusted', async () => {
      const server = await selfSigned({ cn: 'localhost', dns: ['localhost'] });
      const port = await serve(server.keyPem, server.pem);
      const added = await call<{ id: string }>('POST', '/admin/endpoints', { host: '127.0.0.1', port, servername: 'localhost' });
      expect(added.status).toBe(201);

      const checked = await call('POST', `/admin/endpoints/${added.body.id}/check`);
      expect(checked).toMatchObject({ status: 200, body: { verdict: 'self-signed', trusted: false, fix: { pem: server.pem } } });
      expect(local.alerts.map((a) => a.subject)).toContainEqual(expect.stringContaining('TLS check failing (self-signed)'));

      expect((await call('POST', '/admin/trust', { pem: server.pem, alias: 'aws-local-test' })).status).toBe(201);
      // The scheduled run queues the endpoint; cert-check-worker checks it from the SQS emulator.
      await local.invoke('cert-check-schedule', scheduled('cert-check-schedule'));
      await vi.waitFor(
        () => {
          expect(local.alerts.map((a) => a.subject)).toContainEqual(expect.stringContaining('Recovered'));
        },
        { timeout: 30_000, interval: 100 },
      );
      const listed = await call<{ endpoints: { id: string; lastResult?: { verdict: string } }[] }>('GET', '/admin/endpoints');
      expect(listed.body.endpoints.find((e) => e.id === added.body.id)?.lastResult?.verdict).toBe('ok');
    });
  });

  describe('Connect lifecycle and JWT validation', () => {
    const lifecycle = async (eventType: 'installed' | 'uninstalled') => {
      const route = `/connect/${eventType}`;
      const iat = Math.floor(Date.now() / 1000);
      const token = await lifecycleToken(signer.privateKey, KID, {
        iss: CLIENT_KEY,
        aud: publicUrl,
        iat,
        exp: iat + 900,
        qsh: qsh({ method: 'POST', url: route }),
      });
      const body = {
        key: 'trustline-connect',
        clientKey: CLIENT_KEY,
        sharedSecret: SHARED_SECRET,
        baseUrl: 'https://example.atlassian.net',
        productType: 'jira',
        eventType,
      };
      return call('POST', route, body, { authorization: `JWT ${token}` });
    };
    const validate = async () => {
      const url = '/issue-panel?issueKey=TEST-1';
      return call<{ valid: boolean }>('POST', '/jwt/validate', { token: await requestToken('GET', url, Date.now()), method: 'GET', url });
    };

    it('installs with an RS256 token whose key comes over TLS trusted through the managed truststore', async () => {
      expect((await call('POST', '/admin/trust', { pem: keyServer.caPem, alias: 'connect-keys' })).status).toBe(201);
      expect((await lifecycle('installed')).status).toBe(204);
    });

    it('validates request tokens signed with the stored shared secret, in jwt-validate and in the authorizer', async () => {
      expect((await validate()).body).toMatchObject({ valid: true });
      const spec = manifest.find((fn) => fn.name === 'jwt-authorizer')!;
      const token = await requestToken('GET', '/connect/protected', Date.now());
      expect(
        await local.invoke(
          'jwt-authorizer',
          representativeEvent(spec, () => token),
        ),
      ).toMatchObject({ isAuthorized: true });
    });

    it("validates an OIDC access token in jwt-validate, fetching the issuer's discovery document and keys through the outbound policy", async () => {
      const idp = await startJwtIssuer();
      try {
        const answer = await call<{ valid: boolean; claims?: { iss?: string } }>('POST', '/jwt/validate', {
          profile: 'oidc',
          token: await idp.token(),
          issuer: idp.issuer,
          audience: idp.audience,
        });
        expect(answer.body).toMatchObject({ valid: true, claims: { iss: idp.issuer } });
      } finally {
        await idp.close();
      }
    });

    it('uninstalls by deleting the shared secret (warm validators forget it when their 60 s cache ends)', async () => {
      expect((await lifecycle('uninstalled')).status).toBe(204);
      const deleted = local.calls.filter((c) => c.function === 'connect-lifecycle' && c.action === 'secretsmanager:DeleteSecret');
      expect(deleted.map((c) => c.resource)).toEqual([expect.stringContaining(`:secret:trustline/connect/${CLIENT_KEY}-`)]);
    });
  });

  describe('every AWS call the bundles made, judged against the synthesized IAM policies', () => {
    it("was allowed by the calling function's role", async () => {
      expect(local.calls.length).toBeGreaterThan(0);
      const verdicts = await Promise.all(local.calls.map((c) => judgeCall(local, c)));
      const distinct = new Set(local.calls.map((c) => `${c.function} ${c.action} ${[c.context['dynamodb:LeadingKeys'] ?? []].flat().join(',')}`.trim()));
      // eslint-disable-next-line no-console -- the runner ties console output to the test that wrote it
      console.log(`${local.calls.length} calls, ${distinct.size} distinct (function, action, key prefix):\n${[...distinct].sort().join('\n')}`);
      const refused = verdicts.filter((v) => v.result !== 'Allowed').map((v) => v.explanation);
      expect([...new Set(refused)]).toEqual([]);
    });

    it('came from every function the flows reach, each with credentials of its own', () => {
      const callers = new Set(local.calls.map((c) => c.function));
      const expected = [
        'integrations',
        'oauth-callback',
        'token-refresh',
        'token-refresh-worker',
        'endpoints',
        'cert-check-schedule',
        'cert-check-worker',
        'trust',
        'connect-lifecycle',
        'jwt-validate',
        'jwt-authorizer',
      ];
      expect([...callers].sort()).toEqual(expected.sort());
    });

    it('never reached a log line with a client secret, a token or a shared secret', () => {
      const text = logs.join('\n');
      expect(text).not.toContain(as.clientSecret);
      expect(text).not.toContain(SHARED_SECRET);
      for (const request of as.tokenRequests) {
        const refresh = request.body.get('refresh_token');
        if (refresh !== null) expect(text).not.toContain(refresh);
      }
    });
  });
});
