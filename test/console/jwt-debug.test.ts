import { SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { computeQsh, debugJwt } from '../../lib/console/jwt-debug.ts';
import { qsh } from '../../lib/jwt/index.ts';

const SECRET = 'shared-secret-of-the-connect-app-0123456789';
const noUpstream = () => Promise.reject(new Error('the admin API must not be asked when a secret is given'));

async function token(claims: Record<string, unknown>, secret = SECRET): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setIssuer('jira:client-1')
    .setIssuedAt(now)
    .setExpirationTime(now + 180)
    .sign(new TextEncoder().encode(secret));
}

describe('the JWT debugger', () => {
  it("explains the seed's Apache case: each check, both qsh values, the canonical request, the diagnosis and nocanon", async () => {
    const signedFor = { method: 'GET', url: '/download/attachments/123/file%20name%2B%28v2%29.pdf' };
    const received = { method: 'GET', url: '/download/attachments/123/file%20name+(v2).pdf' };
    const document = await debugJwt({ token: await token({ qsh: qsh(signedFor) }), ...received, secret: SECRET }, noUpstream);
    expect(document.valid).toBe(false);
    expect(document.error?.code).toBe('QSH_MISMATCH');
    expect(document.checks.map((check) => [check.name, check.state])).toEqual([
      ['Format', 'passed'],
      ['Algorithm (HS256)', 'passed'],
      ['Issuer and signature', 'passed'],
      ['Expiry (exp, iat, nbf)', 'passed'],
      ['Query string hash (qsh)', 'failed'],
    ]);
    expect(document.checks[4]?.message).toBe('The token was signed for a different request: the claimed and the computed qsh differ.');
    expect(document.qsh).toEqual({ claimed: qsh(signedFor), computed: qsh(received), canonicalRequest: 'GET&/download/attachments/123/file%20name+(v2).pdf&' });
    expect(document.diagnosis?.matchedTransformation).toBe('apache-mod-proxy/decoded-path');
    expect(document.fix).toMatch(/nocanon/);
  });

  it('a wrong secret fails the signature and leaves the later checks unchecked, claims still shown decoded', async () => {
    const document = await debugJwt({ token: await token({ qsh: 'x' }), method: 'GET', url: '/', secret: 'another-secret' }, noUpstream);
    expect(document.error?.code).toBe('BAD_SIGNATURE');
    expect(document.checks.map((check) => check.state)).toEqual(['passed', 'passed', 'failed', 'not-checked', 'not-checked']);
    expect(document.payload).toMatchObject({ iss: 'jira:client-1', qsh: 'x' });
  });

  it('a valid token passes every check', async () => {
    const request = { method: 'POST', url: '/rest/hook?b=2&a=1' };
    const document = await debugJwt({ token: await token({ qsh: qsh(request) }), ...request, secret: SECRET }, noUpstream);
    expect(document.valid).toBe(true);
    expect(document.checks.every((check) => check.state === 'passed')).toBe(true);
  });

  it('without a secret, asks the admin API (the installed apps) and still decodes and computes here', async () => {
    const request = { method: 'GET', url: '/panel' };
    const seen: unknown[] = [];
    const document = await debugJwt({ token: await token({ qsh: 'claimed' }), ...request }, (input) => {
      seen.push(input);
      return Promise.resolve({ valid: false, error: { code: 'UNKNOWN_ISSUER', message: 'No app with client key jira:client-1 is installed.' } });
    });
    expect(seen).toHaveLength(1);
    expect(document.checks[2]).toMatchObject({ name: 'Issuer and signature', state: 'failed' });
    expect(document.qsh).toMatchObject({ claimed: 'claimed', computed: qsh(request) });
  });

  it('never puts the shared secret in its answer', async () => {
    const document = await debugJwt({ token: await token({ qsh: 'x' }), method: 'GET', url: '/', secret: SECRET }, noUpstream);
    expect(JSON.stringify(document)).not.toContain(SECRET);
  });

  it('the qsh calculator gives the canonical request and its hash', () => {
    expect(computeQsh({ method: 'get', url: '/a/b/?x=1&a=2' })).toEqual({
      canonicalRequest: 'GET&/a/b&a=2&x=1',
      qsh: qsh({ method: 'GET', url: '/a/b/?x=1&a=2' }),
    });
  });
});
