import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { SignJWT } from 'jose';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { handler as lifecycle } from '../../functions/connect-lifecycle/handler.ts';
import { handler as validate } from '../../functions/jwt-validate/handler.ts';
import { connectSecretName } from '../../lib/jwt/connect-installations.ts';
import { qsh } from '../../lib/jwt/qsh.ts';
import { redactString } from '../../lib/observe/redact.ts';
import { apiEvent } from '../support/api-event.ts';
import { startKeyServer, type KeyServer } from './support/key-server.ts';
import { APP_BASE_URL, installTestServices } from './support/services.ts';
import { CLIENT_KEY, installKeyPair, lifecycleToken, requestToken, SHARED_SECRET } from './support/tokens.ts';

let keyServer: KeyServer;
let signer: Awaited<ReturnType<typeof installKeyPair>>;
const KID = 'connect-install/2026-01';

beforeAll(async () => {
  keyServer = await startKeyServer();
  signer = await installKeyPair();
  keyServer.keys.set(KID, signer.publicPem);
});
afterAll(() => keyServer.close());

let env: Awaited<ReturnType<typeof installTestServices>>;
beforeEach(async () => {
  keyServer.requests.length = 0;
  keyServer.failWith = undefined;
  env = await installTestServices({ caPem: keyServer.caPem, installKeysUrl: keyServer.baseUrl });
});
afterEach(() => env.cleanup());

const payload = (eventType: 'installed' | 'uninstalled', extra: Record<string, unknown> = {}) => ({
  key: 'trustline-connect',
  clientKey: CLIENT_KEY,
  sharedSecret: SHARED_SECRET,
  baseUrl: 'https://example.atlassian.net',
  productType: 'jira',
  eventType,
  ...extra,
});

function claims(path: string, extra: Record<string, unknown> = {}) {
  const iat = Math.floor(env.clock.now() / 1000);
  return { iss: CLIENT_KEY, aud: APP_BASE_URL, iat, exp: iat + 900, qsh: qsh({ method: 'POST', url: path }), ...extra };
}

function call(
  eventType: 'installed' | 'uninstalled',
  token: string | undefined,
  body: unknown = payload(eventType),
): Promise<APIGatewayProxyStructuredResultV2> {
  const path = `/connect/${eventType}`;
  const event: APIGatewayProxyEventV2 = apiEvent(`POST ${path}`, {
    headers: { 'content-type': 'application/json', ...(token === undefined ? {} : { authorization: `JWT ${token}` }) },
    body: JSON.stringify(body),
  });
  return lifecycle(event);
}

async function install(extraClaims: Record<string, unknown> = {}, kid = KID) {
  return call('installed', await lifecycleToken(signer.privateKey, kid, claims('/connect/installed', extraClaims)));
}

const problemCode = (result: APIGatewayProxyStructuredResultV2) => (JSON.parse(result.body ?? '{}') as { code?: string }).code;
const stored = () => env.services.secrets.get(connectSecretName(CLIENT_KEY)!);

describe('Connect install lifecycle', () => {
  it('lets no anonymous caller blank text out of the log: an unverified sharedSecret is not registered for redaction', async () => {
    const logMessage = 'Connect lifecycle call refused';
    const result = await call('installed', 'a.b.c', payload('installed', { sharedSecret: logMessage }));
    expect(result.statusCode).toBe(401);
    expect(redactString(`${logMessage} for a client`)).toBe(`${logMessage} for a client`);
  });

  it('stores the shared secret under trustline/connect/{clientKey} on a verified install', async () => {
    expect((await install()).statusCode).toBe(204);
    const secret = await stored();
    expect(connectSecretName(CLIENT_KEY)).toBe(`trustline/connect/${CLIENT_KEY}`);
    expect(JSON.parse(secret!.value)).toMatchObject({ clientKey: CLIENT_KEY, sharedSecret: SHARED_SECRET, baseUrl: 'https://example.atlassian.net' });
  });

  it('fetches the install key by kid through the shared TLS trust', async () => {
    await install();
    expect(keyServer.requests).toEqual([`/keys/${encodeURI(KID)}`]);
    expect(env.fetched).toEqual([`${keyServer.baseUrl}/${KID}`]);
  });

  it('then validates request tokens signed with the stored secret', async () => {
    await install();
    const url = '/issue-panel?issueKey=TEST-1';
    const token = await requestToken('GET', url, env.clock.now());
    const result = await validate(apiEvent('POST /jwt/validate', { body: JSON.stringify({ token, method: 'GET', url }) }));
    expect(JSON.parse(result.body!)).toMatchObject({ valid: true, claims: { iss: CLIENT_KEY } });
  });

  it('deletes the shared secret on a verified uninstall', async () => {
    await install();
    const token = await lifecycleToken(signer.privateKey, KID, claims('/connect/uninstalled'));
    expect((await call('uninstalled', token)).statusCode).toBe(204);
    expect(await stored()).toBeUndefined();
  });

  it('keeps keys cached by kid: a second install fetches nothing', async () => {
    await install();
    await install();
    expect(keyServer.requests).toHaveLength(1);
  });

  it('refuses a token addressed to another base URL with WRONG_AUDIENCE and stores nothing', async () => {
    const result = await install({ aud: 'https://someone-else.example.com' });
    expect([result.statusCode, problemCode(result)]).toEqual([401, 'WRONG_AUDIENCE']);
    expect(await stored()).toBeUndefined();
  });

  it('refuses a token whose iss is not the payload clientKey with WRONG_ISSUER', async () => {
    const result = await install({ iss: 'another-client' });
    expect([result.statusCode, problemCode(result)]).toEqual([401, 'WRONG_ISSUER']);
  });

  it('refuses a token signed for the uninstall URL on the install URL with QSH_MISMATCH', async () => {
    const result = await install({ qsh: qsh({ method: 'POST', url: '/connect/uninstalled' }) });
    expect([result.statusCode, problemCode(result)]).toEqual([401, 'QSH_MISMATCH']);
  });

  it('refuses an expired token with EXPIRED', async () => {
    const iat = Math.floor(env.clock.now() / 1000) - 3600;
    const result = await install({ iat, exp: iat + 900 });
    expect([result.statusCode, problemCode(result)]).toEqual([401, 'EXPIRED']);
  });

  it('refuses a token signed by another key under the same kid with BAD_SIGNATURE', async () => {
    const impostor = await installKeyPair();
    const result = await call('installed', await lifecycleToken(impostor.privateKey, KID, claims('/connect/installed')));
    expect([result.statusCode, problemCode(result)]).toEqual([401, 'BAD_SIGNATURE']);
    expect(await stored()).toBeUndefined();
  });

  it('refuses an HS256 token signed with the public key (algorithm confusion) with ALG_NOT_ALLOWED', async () => {
    const token = await new SignJWT(claims('/connect/installed'))
      .setProtectedHeader({ alg: 'HS256', kid: KID })
      .sign(new TextEncoder().encode(signer.publicPem));
    const result = await call('installed', token);
    expect([result.statusCode, problemCode(result)]).toEqual([401, 'ALG_NOT_ALLOWED']);
  });

  it('answers 401 MISSING_TOKEN without an Authorization header', async () => {
    const result = await call('installed', undefined);
    expect([result.statusCode, problemCode(result)]).toEqual([401, 'MISSING_TOKEN']);
  });

  it('answers 401 KEY_UNAVAILABLE for a kid the key server does not know', async () => {
    const result = await install({}, 'connect-install/unknown');
    expect([result.statusCode, problemCode(result)]).toEqual([401, 'KEY_UNAVAILABLE']);
  });

  it('answers 503 KEY_UNAVAILABLE while the key server fails, so Jira retries', async () => {
    keyServer.failWith = 500;
    const result = await install();
    expect([result.statusCode, problemCode(result)]).toEqual([503, 'KEY_UNAVAILABLE']);
  });

  it('does not ask the key server again for a kid that just failed (penalty box)', async () => {
    keyServer.failWith = 500;
    await install();
    await install();
    expect(keyServer.requests).toHaveLength(1);
  });

  it('asks again once the penalty has passed', async () => {
    keyServer.failWith = 500;
    await install();
    keyServer.failWith = undefined;
    env.clock.advance(10_001);
    expect((await install()).statusCode).toBe(204);
    expect(keyServer.requests).toHaveLength(2);
  });

  it('answers 400 for an installed payload without a sharedSecret', async () => {
    const { sharedSecret: _omitted, ...body } = payload('installed');
    const result = await call('installed', await lifecycleToken(signer.privateKey, KID, claims('/connect/installed')), body);
    expect([result.statusCode, problemCode(result)]).toEqual([400, 'VALIDATION_FAILED']);
  });
});

describe('Connect install lifecycle against forged and replayed calls', () => {
  const detail = (result: APIGatewayProxyStructuredResultV2) => (JSON.parse(result.body ?? '{}') as { detail?: string }).detail ?? '';

  it.each([
    ['expired', { exp: 1000, iat: 900 }],
    ['for another app', { aud: 'https://elsewhere.example' }],
    ['from another client than the body names', { iss: 'another-client' }],
    ['for another call', { qsh: 'f'.repeat(64) }],
    ['valid for far longer than a lifecycle token', { exp: Math.floor(Date.now() / 1000) + 86_400 * 365 }],
  ])('fetches no key for a token %s: the cheap checks come first', async (_what, extra) => {
    const forger = await installKeyPair();
    const result = await call('installed', await lifecycleToken(forger.privateKey, `forged/${crypto.randomUUID()}`, claims('/connect/installed', extra)));
    expect(result.statusCode).toBe(401);
    expect(keyServer.requests).toEqual([]);
  });

  it('fetches at most 30 keys a minute however many fresh kids tokens name', async () => {
    const forger = await installKeyPair();
    const results = [];
    for (let i = 0; i < 32; i++)
      results.push(await call('installed', await lifecycleToken(forger.privateKey, `forged/kid-${String(i)}`, claims('/connect/installed'))));
    expect(keyServer.requests).toHaveLength(30);
    expect(results.slice(30).map((result) => [result.statusCode, problemCode(result)])).toEqual([
      [503, 'KEY_UNAVAILABLE'],
      [503, 'KEY_UNAVAILABLE'],
    ]);
    env.clock.advance(60_001);
    await call('installed', await lifecycleToken(forger.privateKey, 'forged/after-a-minute', claims('/connect/installed')));
    expect(keyServer.requests).toHaveLength(31);
  });

  it('refuses a replayed install token carrying another sharedSecret, keeping the first', async () => {
    const token = await lifecycleToken(signer.privateKey, KID, claims('/connect/installed'));
    expect((await call('installed', token)).statusCode).toBe(204);
    const replay = await call('installed', token, payload('installed', { sharedSecret: 'attacker-chosen-secret-0123456789' }));
    expect([replay.statusCode, problemCode(replay)]).toEqual([401, 'TOKEN_REPLAYED']);
    expect(JSON.parse((await stored())!.value)).toMatchObject({ sharedSecret: SHARED_SECRET });
  });

  it('refuses an install token issued before the installation held, though still valid', async () => {
    const older = await lifecycleToken(signer.privateKey, KID, claims('/connect/installed'));
    env.clock.advance(60_000);
    expect((await install()).statusCode).toBe(204);
    const late = await call('installed', older, payload('installed', { sharedSecret: 'attacker-chosen-secret-0123456789' }));
    expect([late.statusCode, problemCode(late)]).toEqual([401, 'LIFECYCLE_OUT_OF_ORDER']);
    expect(JSON.parse((await stored())!.value)).toMatchObject({ sharedSecret: SHARED_SECRET });
  });

  it('tells an anonymous caller nothing of the key server or the network', async () => {
    keyServer.failWith = 500;
    const failed = await install();
    expect(failed.statusCode).toBe(503);
    expect(detail(failed)).not.toMatch(/localhost|127\.0\.0\.1|key server|HTTP 500|fetch/i);
    await env.cleanup();
    env = await installTestServices({ installKeysUrl: keyServer.baseUrl });
    const untrusted = await install();
    expect(detail(untrusted)).not.toMatch(/localhost|certificate|issuer|fetch failed/i);
    expect(untrusted.body).not.toContain('fix');
  });
});

describe('Connect install lifecycle without the key server in the truststore', () => {
  it('cannot fetch the key over TLS it does not trust, and says so', async () => {
    await env.cleanup();
    env = await installTestServices({ installKeysUrl: keyServer.baseUrl });
    const result = await install();
    expect([result.statusCode, problemCode(result)]).toEqual([503, 'KEY_UNAVAILABLE']);
    expect(keyServer.requests).toEqual([]);
  });
});
