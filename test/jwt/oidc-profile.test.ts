import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeJwt } from 'jose';
import { verifyOidcToken } from '../../lib/jwt/oidc-profile.ts';
import { createTrustContext, fixedTrustStore } from '../../lib/trust/index.ts';
import { ManualClock } from '../support/manual-clock.ts';
import { OTHER_AUDIENCE, startJwtIssuer, type JwtIssuer } from '../support/oidc-jwt-issuer.ts';

let idp: JwtIssuer;
beforeAll(async () => {
  idp = await startJwtIssuer();
});
afterAll(() => idp.close());

/** A new trust context per test: its fetch keys the discovery and JWKS caches, so each test starts cold. */
const deps = (clock?: ManualClock) => ({
  fetch: createTrustContext(fixedTrustStore('')).fetch,
  allowLoopbackHttp: true,
  ...(clock === undefined ? {} : { clock }),
});

describe('OIDC profile on jose, against oidc-provider', () => {
  it('accepts a real access token, discovering the JWKS from the issuer', async () => {
    const token = await idp.token();
    const before = idp.requests.length;
    const document = await verifyOidcToken(token, { issuer: idp.issuer, audience: idp.audience }, deps());
    expect(document).toMatchObject({ valid: true, claims: { iss: idp.issuer, aud: idp.audience, client_id: 'api-client' } });
    expect(idp.requests.slice(before)).toEqual(['/.well-known/openid-configuration', '/jwks']);
  });

  it('uses a given JWKS URL without discovery', async () => {
    const token = await idp.token();
    const before = idp.requests.length;
    const document = await verifyOidcToken(token, { issuer: idp.issuer, audience: idp.audience, jwksUrl: `${idp.issuer}/jwks` }, deps());
    expect(document.valid).toBe(true);
    expect(idp.requests.slice(before)).toEqual(['/jwks']);
  });

  it('discovers and fetches keys once for many tokens of one issuer', async () => {
    const shared = deps();
    const tokens = await Promise.all([idp.token(), idp.token(), idp.token()]);
    const before = idp.requests.length;
    for (const token of tokens) expect((await verifyOidcToken(token, { issuer: idp.issuer, audience: idp.audience }, shared)).valid).toBe(true);
    expect(idp.requests.slice(before)).toEqual(['/.well-known/openid-configuration', '/jwks']);
  });

  it('refuses a token for another audience with WRONG_AUDIENCE', async () => {
    const document = await verifyOidcToken(await idp.token(OTHER_AUDIENCE), { issuer: idp.issuer, audience: idp.audience }, deps());
    expect(document).toMatchObject({ valid: false, error: { code: 'WRONG_AUDIENCE' }, claims: { aud: OTHER_AUDIENCE } });
  });

  it('refuses a token from another issuer with KEY_UNAVAILABLE when its discovery names someone else', async () => {
    const other = `${idp.issuer}/`;
    const document = await verifyOidcToken(await idp.token(), { issuer: other, audience: idp.audience }, deps());
    expect(document).toMatchObject({ valid: false, error: { code: 'KEY_UNAVAILABLE' } });
    expect(document.error?.message).toContain('names the issuer');
  });

  it('refuses a token naming another issuer with WRONG_ISSUER when the keys are given', async () => {
    const document = await verifyOidcToken(
      await idp.token(),
      { issuer: 'http://127.0.0.1:1/realms/other', audience: idp.audience, jwksUrl: `${idp.issuer}/jwks` },
      deps(),
    );
    expect(document).toMatchObject({ valid: false, error: { code: 'WRONG_ISSUER' } });
  });

  it('refuses an expired token with EXPIRED', async () => {
    const token = await idp.token();
    const exp = Number(decodeJwt(token).exp);
    const clock = new ManualClock((exp + 3600) * 1000);
    const document = await verifyOidcToken(token, { issuer: idp.issuer, audience: idp.audience }, deps(clock));
    expect(document).toMatchObject({ valid: false, error: { code: 'EXPIRED' } });
  });

  it('refuses a token whose signature was altered with BAD_SIGNATURE', async () => {
    const [header, payload, signature] = (await idp.token()).split('.') as [string, string, string];
    const flipped = `${signature.slice(0, 10)}${signature[10] === 'A' ? 'B' : 'A'}${signature.slice(11)}`;
    const document = await verifyOidcToken(`${header}.${payload}.${flipped}`, { issuer: idp.issuer, audience: idp.audience }, deps());
    expect(document).toMatchObject({ valid: false, error: { code: 'BAD_SIGNATURE' } });
    expect(document).not.toHaveProperty('claims');
  });

  it('refuses an HMAC-signed token before fetching any key (ALG_NOT_ALLOWED)', async () => {
    const forged = `${Buffer.from(JSON.stringify({ alg: 'HS256', typ: 'JWT' })).toString('base64url')}.${Buffer.from(JSON.stringify({ iss: idp.issuer, aud: idp.audience, exp: 9e9 })).toString('base64url')}.c2ln`;
    const document = await verifyOidcToken(forged, { issuer: idp.issuer, audience: idp.audience }, deps());
    expect(document).toMatchObject({ valid: false, error: { code: 'ALG_NOT_ALLOWED' } });
  });

  it('refuses a plain-http issuer unless loopback http is allowed', async () => {
    await expect(
      verifyOidcToken(await idp.token(), { issuer: idp.issuer, audience: idp.audience }, { ...deps(), allowLoopbackHttp: false }),
    ).rejects.toMatchObject({ code: 'INVALID_OIDC_REQUEST' });
  });
});
