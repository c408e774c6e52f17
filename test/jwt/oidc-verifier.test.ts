import http from 'node:http';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK, type JWTPayload } from 'jose';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createOidcVerifier, OidcConfigError } from '../../lib/jwt/oidc-verifier.ts';
import { ManualClock } from '../support/manual-clock.ts';
import { listen, type Running } from '../support/tls/servers.ts';

let server: Running;
let issuer: string;
let published: JWK[] = [];
const requests: string[] = [];
const signers = new Map<string, CryptoKey>();

beforeAll(async () => {
  server = await listen(
    http.createServer((req, res) => {
      requests.push(req.url ?? '');
      const body = req.url === '/.well-known/openid-configuration' ? { issuer, jwks_uri: `${issuer}/jwks` } : req.url === '/jwks' ? { keys: published } : undefined;
      if (body === undefined) res.writeHead(404).end();
      else res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    }),
  );
  issuer = `http://127.0.0.1:${server.port}`;
});
afterAll(() => server.close());

async function addKey(kid: string, publish = true): Promise<void> {
  const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
  signers.set(kid, privateKey);
  if (publish) published.push({ ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' });
}

let clock: ManualClock;
beforeEach(async () => {
  published = [];
  requests.length = 0;
  clock = new ManualClock(Date.now());
  await addKey('k1');
});

const verifier = (extra: { jwksUri?: string } = {}) =>
  createOidcVerifier({ issuer, audience: 'trustline', fetch: globalThis.fetch, clock, allowLoopbackHttp: true, ...extra });

function token(claims: JWTPayload = {}, kid = 'k1'): Promise<string> {
  const now = Math.floor(clock.now() / 1000);
  return new SignJWT({ iss: issuer, aud: 'trustline', sub: 'user-1', iat: now, exp: now + 300, ...claims })
    .setProtectedHeader({ alg: 'RS256', kid })
    .sign(signers.get(kid)!);
}

describe('OIDC profile', () => {
  it('verifies a token from the issuer for the audience, finding the keys by discovery', async () => {
    await expect(verifier().verify(await token())).resolves.toMatchObject({ sub: 'user-1' });
    expect(requests).toEqual(['/.well-known/openid-configuration', '/jwks']);
  });

  it('uses a configured JWKS URL without discovery', async () => {
    await verifier({ jwksUri: `${issuer}/jwks` }).verify(await token());
    expect(requests).toEqual(['/jwks']);
  });

  it('refuses a token from another issuer with WRONG_ISSUER', async () => {
    await expect(verifier().verify(await token({ iss: 'https://evil.example.com' }))).rejects.toMatchObject({ code: 'WRONG_ISSUER' });
  });

  it('refuses a token for another audience with WRONG_AUDIENCE', async () => {
    await expect(verifier().verify(await token({ aud: 'someone-else' }))).rejects.toMatchObject({ code: 'WRONG_AUDIENCE' });
  });

  it('refuses an expired token with EXPIRED', async () => {
    const expired = await token();
    clock.advance(400_000);
    await expect(verifier().verify(expired)).rejects.toMatchObject({ code: 'EXPIRED' });
  });

  it('refuses a token without exp', async () => {
    const now = Math.floor(clock.now() / 1000);
    const noExp = await new SignJWT({ iss: issuer, aud: 'trustline', iat: now }).setProtectedHeader({ alg: 'RS256', kid: 'k1' }).sign(signers.get('k1')!);
    await expect(verifier().verify(noExp)).rejects.toMatchObject({ code: 'MALFORMED' });
  });

  it('refuses an algorithm outside the allow-list with ALG_NOT_ALLOWED', async () => {
    const hs = await new SignJWT({ iss: issuer, aud: 'trustline' }).setProtectedHeader({ alg: 'HS256', kid: 'k1' }).sign(new TextEncoder().encode('x'.repeat(32)));
    await expect(verifier().verify(hs)).rejects.toMatchObject({ code: 'ALG_NOT_ALLOWED' });
  });

  it('refuses a token signed by a key the issuer does not publish with KEY_UNAVAILABLE', async () => {
    await addKey('rogue', false);
    await expect(verifier().verify(await token({}, 'rogue'))).rejects.toMatchObject({ code: 'KEY_UNAVAILABLE' });
  });

  it('refetches the JWKS once when a token names a new kid (key rotation)', async () => {
    const v = verifier({ jwksUri: `${issuer}/jwks` });
    await v.verify(await token());
    await addKey('k2');
    await expect(v.verify(await token({}, 'k2'))).resolves.toMatchObject({ iss: issuer });
    expect(requests).toEqual(['/jwks', '/jwks']);
  });

  it('does not refetch for unknown kids during the penalty', async () => {
    const v = verifier({ jwksUri: `${issuer}/jwks` });
    await addKey('rogue', false);
    const rogue = await token({}, 'rogue');
    await expect(v.verify(rogue)).rejects.toMatchObject({ code: 'KEY_UNAVAILABLE' });
    await expect(v.verify(rogue)).rejects.toMatchObject({ code: 'KEY_UNAVAILABLE' });
    expect(requests).toEqual(['/jwks']);
  });

  it('requires the issuer and the audience', () => {
    expect(() => createOidcVerifier({ issuer: '', audience: 'a', fetch: globalThis.fetch })).toThrow(OidcConfigError);
    expect(() => createOidcVerifier({ issuer: 'https://i.example.com', audience: [], fetch: globalThis.fetch })).toThrow(OidcConfigError);
  });

  it('refuses symmetric or none algorithms in the allow-list', () => {
    expect(() => createOidcVerifier({ issuer: 'https://i.example.com', audience: 'a', algorithms: ['HS256'], fetch: globalThis.fetch })).toThrow(OidcConfigError);
  });

  it('refuses a plain-http issuer unless loopback http was allowed', () => {
    expect(() => createOidcVerifier({ issuer, audience: 'a', fetch: globalThis.fetch })).toThrow(OidcConfigError);
  });
});
