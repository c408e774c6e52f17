import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { handler as validate } from '../../functions/jwt-validate/handler.ts';
import { runCli } from '../cli/run-cli.ts';
import { apiEvent } from '../support/api-event.ts';
import { OTHER_AUDIENCE, startJwtIssuer, type JwtIssuer } from '../support/oidc-jwt-issuer.ts';
import { installTestServices } from './support/services.ts';

let idp: JwtIssuer;
beforeAll(async () => {
  idp = await startJwtIssuer();
});
afterAll(() => idp.close());

const LOOPBACK_FLAG = { TRUSTLINE_DEV_ALLOW_LOOPBACK_HTTP: '1' };

describe('POST /jwt/validate with profile oidc', () => {
  let env: Awaited<ReturnType<typeof installTestServices>>;
  beforeEach(async () => {
    env = await installTestServices({ env: LOOPBACK_FLAG });
  });
  afterEach(() => env.cleanup());

  const post = async (body: unknown) => {
    const result = await validate(apiEvent('POST /jwt/validate', { body: JSON.stringify(body) }));
    return { status: result.statusCode, body: JSON.parse(result.body ?? '{}') as Record<string, unknown> };
  };

  it('answers valid with the claims, discovery and keys fetched through the shared trust', async () => {
    const token = await idp.token();
    expect(await post({ profile: 'oidc', token, issuer: idp.issuer, audience: idp.audience })).toMatchObject({
      status: 200,
      body: { valid: true, claims: { iss: idp.issuer, client_id: 'api-client' } },
    });
    expect(env.fetched).toEqual([`${idp.issuer}/.well-known/openid-configuration`, `${idp.issuer}/jwks`]);
  });

  it('answers 200 valid false with the code for a token of another audience', async () => {
    const token = await idp.token(OTHER_AUDIENCE);
    expect(await post({ profile: 'oidc', token, issuer: idp.issuer, audience: idp.audience })).toMatchObject({
      status: 200,
      body: { valid: false, error: { code: 'WRONG_AUDIENCE' } },
    });
  });

  it('answers 400 VALIDATION_FAILED without an audience', async () => {
    expect(await post({ profile: 'oidc', token: 'a.b.c', issuer: idp.issuer })).toMatchObject({ status: 400, body: { code: 'VALIDATION_FAILED' } });
  });

  it('answers 400 INVALID_OIDC_REQUEST for a plain-http issuer that is not loopback', async () => {
    expect(await post({ profile: 'oidc', token: 'a.b.c', issuer: 'http://idp.example.com', audience: 'x' })).toMatchObject({
      status: 400,
      body: { code: 'INVALID_OIDC_REQUEST' },
    });
  });

  it('never puts the token in the answer of a failed validation', async () => {
    const token = await idp.token(OTHER_AUDIENCE);
    const result = await validate(
      apiEvent('POST /jwt/validate', { body: JSON.stringify({ profile: 'oidc', token, issuer: idp.issuer, audience: idp.audience }) }),
    );
    expect(result.body).not.toContain(token.split('.')[2]);
  });
});

describe('trustline jwt verify --profile oidc', () => {
  it('--json prints the valid document and exits 0', async () => {
    const token = await idp.token();
    const run = await runCli(
      ['jwt', 'verify', '--profile', 'oidc', '--token', token, '--issuer', idp.issuer, '--audience', idp.audience, '--json'],
      LOOPBACK_FLAG,
    );
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ valid: true, claims: { iss: idp.issuer, aud: idp.audience } });
  });

  it('prints the code and exits 1 for a token of another audience, without echoing the token', async () => {
    const token = await idp.token(OTHER_AUDIENCE);
    const run = await runCli(
      ['jwt', 'verify', '--profile', 'oidc', '--token', token, '--issuer', idp.issuer, '--audience', idp.audience, '--jwks-url', `${idp.issuer}/jwks`],
      LOOPBACK_FLAG,
    );
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('invalid: WRONG_AUDIENCE');
    expect(run.stdout + run.stderr).not.toContain(token);
  });

  it('exits 2 when --audience is missing', async () => {
    const run = await runCli(['jwt', 'verify', '--profile', 'oidc', '--token', 'a.b.c', '--issuer', idp.issuer, '--json'], LOOPBACK_FLAG);
    expect(run.code).toBe(2);
  });

  it('exits 2 for a plain-http issuer without the development flag', async () => {
    const run = await runCli(['jwt', 'verify', '--profile', 'oidc', '--token', 'a.b.c', '--issuer', idp.issuer, '--audience', idp.audience, '--json']);
    expect(run.code).toBe(2);
    expect(JSON.parse(run.stdout)).toMatchObject({ error: { code: 'USAGE' } });
  });
});
