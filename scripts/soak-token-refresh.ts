/**
 * Soak test of the scheduled token refresh (issue 6, "Done when"): `npm start` itself (its own
 * process group, embedded stores in a temp data dir, the real 5-minute schedule), one Custom
 * integration authorized through the real flow against a loopback oidc-provider that issues
 * 60-second access tokens and rotates refresh tokens (reuse revokes the grant). For `--minutes`
 * (default 10) of real time it asks `GET /admin/integrations/{id}/token` every `--every` seconds
 * (default 20) and checks the answer at the provider (introspection); then it presses Ctrl-C.
 *
 *   npx tsx scripts/soak-token-refresh.ts [--minutes 10] [--every 20]
 *
 * Exit 0 when every answer was a valid token, the grant is intact at the end and `npm start`
 * stopped cleanly on Ctrl-C; 1 otherwise. The server's own output is shown prefixed `npm start |`.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { IntegrationView } from '../lib/oauth/index.ts';
import { startAuthorizationServer } from '../test/oauth/fixtures/authorization-server.ts';
import { signInAtProvider } from '../test/oauth/fixtures/browser.ts';
import { startNpmStart } from '../test/support/npm-start.ts';
import { freePort } from '../test/support/ports.ts';

const { values } = parseArgs({ options: { minutes: { type: 'string', default: '10' }, every: { type: 'string', default: '20' } } });
const minutes = Number(values.minutes);
const everyMs = Number(values.every) * 1000;
const ACCESS_TOKEN_TTL_SECONDS = 60;

const port = await freePort();
const publicUrl = `http://127.0.0.1:${port}`;
const adminToken = randomBytes(24).toString('base64url');
const dataDir = await mkdtemp(path.join(tmpdir(), 'trustline-soak-'));
const provider = await startAuthorizationServer({ publicUrl, accessTokenTtlSeconds: ACCESS_TOKEN_TTL_SECONDS, rotateRefreshToken: true });
const server = await startNpmStart({
  env: { PORT: String(port), TRUSTLINE_DATA_DIR: dataDir, TRUSTLINE_ADMIN_TOKEN: adminToken, TRUSTLINE_DEV_ALLOW_LOOPBACK_HTTP: '1' },
  onLine: (line) => {
    console.log(`npm start | ${line}`);
  },
}).catch(async (error: unknown) => {
  await provider.close();
  await rm(dataDir, { recursive: true, force: true });
  throw error;
});

interface AdminAnswer {
  readonly status: number;
  readonly body: Record<string, unknown> & { readonly code?: string };
}

/** One admin API call with the generated admin token; the body parsed as JSON. */
async function admin(method: string, route: string, body?: unknown): Promise<AdminAnswer> {
  const response = await fetch(`${publicUrl}${route}`, {
    method,
    headers: { authorization: `Bearer ${adminToken}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, body: (text === '' ? {} : JSON.parse(text)) as AdminAnswer['body'] };
}

const stamp = () => new Date().toISOString().slice(11, 19);
let failures = 0;
const distinctTokens = new Set<string>();
try {
  const created = await admin('POST', '/admin/integrations', {
    provider: 'custom',
    name: 'Soak mailbox',
    clientId: provider.clientId,
    clientSecret: provider.clientSecret,
    authorizationEndpoint: provider.authorizationEndpoint,
    tokenEndpoint: provider.tokenEndpoint,
    issuer: provider.issuer,
    scopes: ['mail', 'offline_access'],
  });
  if (created.status !== 201) throw new Error(`create answered ${created.status}`);
  const id = String(created.body.id);
  const started = await admin('POST', `/admin/integrations/${id}/authorize`);
  const callback = await signInAtProvider(String(started.body.authorizationUrl), `${publicUrl}/oauth/callback/`);
  const page = await fetch(callback);
  if (page.status !== 200) throw new Error(`callback answered ${page.status}`);
  console.log(`${stamp()} authorized integration ${id}; access tokens live ${ACCESS_TOKEN_TTL_SECONDS} s; the schedules are in the banner above`);

  const deadline = Date.now() + minutes * 60_000;
  for (let poll = 1; Date.now() < deadline; poll++) {
    const answer = await admin('GET', `/admin/integrations/${id}/token`);
    const token = typeof answer.body.accessToken === 'string' ? answer.body.accessToken : undefined;
    const introspection = token === undefined ? { active: false } : await provider.introspect(token);
    const leftSeconds = Math.round((Date.parse(String(answer.body.expiresAt)) - Date.now()) / 1000);
    const ok = answer.status === 200 && introspection.active === true && leftSeconds > 0;
    if (!ok) failures++;
    if (token !== undefined) distinctTokens.add(token);
    const refreshes = provider.tokenRequests.filter((r) => r.grantType === 'refresh_token').length;
    console.log(
      `${stamp()} poll ${String(poll).padStart(3)}: HTTP ${answer.status} active=${String(introspection.active)} expires in ${leftSeconds} s; provider refreshes so far ${refreshes}${ok ? '' : ` FAILED ${answer.body.code ?? ''}`}`,
    );
    await new Promise((resolve) => setTimeout(resolve, Math.min(everyMs, Math.max(0, deadline - Date.now()))));
  }

  const final = (await admin('GET', `/admin/integrations/${id}`)).body as unknown as IntegrationView;
  const refreshes = provider.tokenRequests.filter((r) => r.grantType === 'refresh_token').length;
  console.log(
    [
      '',
      `Soak over ${minutes} min: ${failures === 0 ? 'a valid token was available at every poll' : `${failures} poll(s) without a valid token`}.`,
      `  distinct access tokens handed out: ${distinctTokens.size}; refresh requests at the provider: ${refreshes}`,
      `  integration status ${final.status}, lastRefreshAt ${final.lastRefreshAt ?? '-'}, lastError ${final.lastError?.code ?? 'none'}`,
    ].join('\n'),
  );
  if (final.status !== 'authorized') failures++;
} catch (error) {
  failures++;
  console.error('Soak aborted:', error);
} finally {
  if (server.child.exitCode === null) server.signal('SIGINT');
  const [code, signal] = await server.closed;
  const stopped = code === 0 && server.output().includes('Trustline stopped.');
  console.log(`npm start on Ctrl-C: ${stopped ? 'stopped cleanly (exit 0)' : `exit ${code ?? signal}`}`);
  if (!stopped) failures++;
  if (server.output().includes(adminToken)) {
    console.log('npm start printed the admin token');
    failures++;
  }
  await provider.close();
  await rm(dataDir, { recursive: true, force: true });
}
process.exitCode = failures === 0 ? 0 : 1;
