import { generateKeyPair, SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { createConnectVerifier, type ConnectVerification } from '../../lib/jwt/connect-verifier.ts';
import { QshMismatchError } from '../../lib/jwt/errors.ts';
import { qsh } from '../../lib/jwt/qsh.ts';
import { MAX_TOKEN_LENGTH } from '../../lib/jwt/token.ts';
import { ManualClock } from '../support/manual-clock.ts';
import { CLIENT_KEY, hs256Token, requestToken, SHARED_SECRET } from './support/tokens.ts';

const request = { method: 'GET', url: '/issue-panel?issueKey=TEST-1&projectKey=TEST' };

function setup(secrets: Record<string, string> = { [CLIENT_KEY]: SHARED_SECRET }, options: { baseUrl?: string; leewaySeconds?: number } = {}) {
  const clock = new ManualClock();
  const verifier = createConnectVerifier({ secretFor: (key) => Promise.resolve(secrets[key]), clock, ...options });
  return { clock, verifier, nowSeconds: () => Math.floor(clock.now() / 1000) };
}

function codeOf(result: ConnectVerification): string {
  return result.valid ? 'VALID' : result.error.code;
}

describe('Connect request tokens', () => {
  it('accepts a token signed with the shared secret for this very request', async () => {
    const { verifier, clock } = setup();
    const result = await verifier.verify(await requestToken(request.method, request.url, clock.now()), request);
    expect(result).toMatchObject({ valid: true, claims: { iss: CLIENT_KEY, sub: '557058:account' } });
  });

  it('answers MALFORMED for something that is not a JWT', async () => {
    const { verifier } = setup();
    expect(codeOf(await verifier.verify('not-a-token', request))).toBe('MALFORMED');
  });

  it('answers MALFORMED for a token over the size limit', async () => {
    const { verifier } = setup();
    expect(codeOf(await verifier.verify(`${'a'.repeat(MAX_TOKEN_LENGTH)}.b.c`, request))).toBe('MALFORMED');
  });

  it('answers MALFORMED when iss is missing', async () => {
    const { verifier, nowSeconds } = setup();
    const token = await hs256Token({ iat: nowSeconds(), exp: nowSeconds() + 60, qsh: qsh(request) });
    expect(codeOf(await verifier.verify(token, request))).toBe('MALFORMED');
  });

  it('answers MALFORMED when exp is missing', async () => {
    const { verifier, nowSeconds } = setup();
    const token = await hs256Token({ iss: CLIENT_KEY, iat: nowSeconds(), qsh: qsh(request) });
    expect(codeOf(await verifier.verify(token, request))).toBe('MALFORMED');
  });

  it('answers MALFORMED when iat is missing', async () => {
    const { verifier, nowSeconds } = setup();
    const token = await hs256Token({ iss: CLIENT_KEY, exp: nowSeconds() + 60, qsh: qsh(request) });
    expect(codeOf(await verifier.verify(token, request))).toBe('MALFORMED');
  });

  it('answers MALFORMED for a header with critical extensions', async () => {
    const { verifier, clock } = setup();
    const [, payload, signature] = (await requestToken(request.method, request.url, clock.now())).split('.');
    const header = Buffer.from(JSON.stringify({ alg: 'HS256', crit: ['b64'], b64: true })).toString('base64url');
    expect(codeOf(await verifier.verify(`${header}.${payload}.${signature}`, request))).toBe('MALFORMED');
  });

  it('answers UNKNOWN_ISSUER when no secret is stored for iss', async () => {
    const { verifier, clock } = setup({});
    expect(codeOf(await verifier.verify(await requestToken(request.method, request.url, clock.now()), request))).toBe('UNKNOWN_ISSUER');
  });

  it('answers BAD_SIGNATURE for a token signed with another secret', async () => {
    const { verifier, clock } = setup();
    const token = await requestToken(request.method, request.url, clock.now(), {}, 'another-secret-entirely');
    expect(codeOf(await verifier.verify(token, request))).toBe('BAD_SIGNATURE');
  });

  it('answers BAD_SIGNATURE when the claims were altered after signing', async () => {
    const { verifier, clock } = setup();
    const [header, , signature] = (await requestToken(request.method, request.url, clock.now())).split('.');
    const forged = Buffer.from(JSON.stringify({ iss: CLIENT_KEY, iat: 0, exp: 4e9, qsh: qsh(request), sub: 'admin' })).toString('base64url');
    expect(codeOf(await verifier.verify(`${header}.${forged}.${signature}`, request))).toBe('BAD_SIGNATURE');
  });

  it('answers ALG_NOT_ALLOWED for alg none', async () => {
    const { verifier, nowSeconds } = setup();
    const part = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
    const token = `${part({ alg: 'none' })}.${part({ iss: CLIENT_KEY, iat: nowSeconds(), exp: nowSeconds() + 60, qsh: qsh(request) })}.`;
    expect(codeOf(await verifier.verify(token, request))).toBe('ALG_NOT_ALLOWED');
  });

  it('answers ALG_NOT_ALLOWED for HS512 even with the right secret', async () => {
    const { verifier, nowSeconds } = setup();
    const token = await new SignJWT({ iss: CLIENT_KEY, iat: nowSeconds(), exp: nowSeconds() + 60, qsh: qsh(request) })
      .setProtectedHeader({ alg: 'HS512' })
      .sign(new TextEncoder().encode(SHARED_SECRET));
    expect(codeOf(await verifier.verify(token, request))).toBe('ALG_NOT_ALLOWED');
  });

  it('answers ALG_NOT_ALLOWED for an RS256 token (no RS/HS confusion)', async () => {
    const { verifier, nowSeconds } = setup();
    const { privateKey } = await generateKeyPair('RS256');
    const token = await new SignJWT({ iss: CLIENT_KEY, iat: nowSeconds(), exp: nowSeconds() + 60, qsh: qsh(request) })
      .setProtectedHeader({ alg: 'RS256' })
      .sign(privateKey);
    expect(codeOf(await verifier.verify(token, request))).toBe('ALG_NOT_ALLOWED');
  });

  it('answers EXPIRED once exp plus the 30 s leeway has passed', async () => {
    const { verifier, clock } = setup();
    const token = await requestToken(request.method, request.url, clock.now());
    clock.advance((180 + 30) * 1000);
    expect(codeOf(await verifier.verify(token, request))).toBe('EXPIRED');
  });

  it('still accepts a token within the leeway after exp', async () => {
    const { verifier, clock } = setup();
    const token = await requestToken(request.method, request.url, clock.now());
    clock.advance((180 + 29) * 1000);
    expect(codeOf(await verifier.verify(token, request))).toBe('VALID');
  });

  it('applies a configured leeway instead of the default', async () => {
    const { verifier, clock } = setup(undefined, { leewaySeconds: 0 });
    const token = await requestToken(request.method, request.url, clock.now());
    clock.advance(180 * 1000);
    expect(codeOf(await verifier.verify(token, request))).toBe('EXPIRED');
  });

  it('answers NOT_YET_VALID for nbf beyond the leeway', async () => {
    const { verifier, clock, nowSeconds } = setup();
    const token = await requestToken(request.method, request.url, clock.now(), { nbf: nowSeconds() + 31 });
    expect(codeOf(await verifier.verify(token, request))).toBe('NOT_YET_VALID');
  });

  it('answers NOT_YET_VALID for a token issued beyond the leeway in the future', async () => {
    const { verifier, clock } = setup();
    const token = await requestToken(request.method, request.url, clock.now() + 31_000);
    expect(codeOf(await verifier.verify(token, request))).toBe('NOT_YET_VALID');
  });

  it('answers MISSING_QSH when the token has no qsh', async () => {
    const { verifier, nowSeconds } = setup();
    const token = await hs256Token({ iss: CLIENT_KEY, iat: nowSeconds(), exp: nowSeconds() + 60 });
    expect(codeOf(await verifier.verify(token, request))).toBe('MISSING_QSH');
  });

  it('answers QSH_MISMATCH with both hashes and our canonical request', async () => {
    const { verifier, clock } = setup();
    const token = await requestToken('GET', '/issue-panel?issueKey=TEST-2', clock.now());
    const result = await verifier.verify(token, request);
    if (result.valid) throw new Error('expected a mismatch');
    const { error } = result;
    expect(error).toBeInstanceOf(QshMismatchError);
    expect(error).toMatchObject({
      code: 'QSH_MISMATCH',
      expectedQsh: qsh(request),
      receivedQsh: qsh({ method: 'GET', url: '/issue-panel?issueKey=TEST-2' }),
      canonicalRequest: 'GET&/issue-panel&issueKey=TEST-1&projectKey=TEST',
    });
  });

  it('refuses a context token where only request tokens are allowed', async () => {
    const { verifier, clock } = setup();
    const token = await requestToken(request.method, request.url, clock.now(), { qsh: 'context-qsh' });
    expect(codeOf(await verifier.verify(token, request))).toBe('QSH_MISMATCH');
  });

  it('accepts a context token where the caller allows them', async () => {
    const { verifier, clock } = setup();
    const token = await requestToken(request.method, request.url, clock.now(), { qsh: 'context-qsh' });
    expect(codeOf(await verifier.verify(token, request, { allowContextQsh: true }))).toBe('VALID');
  });

  it("removes the base URL's path before hashing", async () => {
    const { verifier, clock } = setup(undefined, { baseUrl: 'https://apps.example.com/jira' });
    const token = await requestToken('GET', '/issue-panel?issueKey=TEST-1', clock.now());
    expect(codeOf(await verifier.verify(token, { method: 'GET', url: '/jira/issue-panel?issueKey=TEST-1' }))).toBe('VALID');
  });

  it('accepts a token whose secret changed by a reinstall once the fresh secret is read', async () => {
    const clock = new ManualClock();
    let stored = 'old-secret-before-reinstall';
    const cached = stored;
    const verifier = createConnectVerifier({ clock, secretFor: (_key, options) => Promise.resolve(options?.fresh === true ? stored : cached) });
    stored = SHARED_SECRET;
    expect(codeOf(await verifier.verify(await requestToken(request.method, request.url, clock.now()), request))).toBe('VALID');
  });

  it('returns the verified claims along with a failure that came after the signature check', async () => {
    const { verifier, clock } = setup();
    const token = await requestToken(request.method, request.url, clock.now());
    clock.advance(3600_000);
    expect(await verifier.verify(token, request)).toMatchObject({ valid: false, claims: { iss: CLIENT_KEY } });
  });

  it('returns no claims when the signature did not verify', async () => {
    const { verifier, clock } = setup();
    const result = await verifier.verify(await requestToken(request.method, request.url, clock.now(), {}, 'wrong-secret-xyz'), request);
    expect(result).not.toHaveProperty('claims');
  });
});
