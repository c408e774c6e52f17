import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { handler as validate } from '../../functions/jwt-validate/handler.ts';
import { manifest } from '../../functions/manifest.ts';
import { apiEvent } from '../support/api-event.ts';
import { installTestSite } from './support/services.ts';
import { requestToken } from './support/tokens.ts';

let env: Awaited<ReturnType<typeof installTestSite>>;
beforeEach(async () => {
  env = await installTestSite({ publicUrl: 'https://apps.example.com/jira' });
});
afterEach(() => env.cleanup());

const post = async (body: unknown) => {
  const result = await validate(apiEvent('POST /jwt/validate', { body: JSON.stringify(body) }));
  return { status: result.statusCode, body: JSON.parse(result.body ?? '{}') as Record<string, unknown> };
};

describe('POST /jwt/validate', () => {
  it('answers the verify document, hashing relative to TRUSTLINE_PUBLIC_URL', async () => {
    const token = await requestToken('GET', '/panel?x=1', env.clock.now());
    expect(await post({ token, method: 'GET', url: '/jira/panel?x=1' })).toMatchObject({ status: 200, body: { valid: true } });
  });

  it('answers 200 with valid false and the error code for a token that does not hold', async () => {
    const token = await requestToken('GET', '/panel?x=1', env.clock.now());
    expect(await post({ token, method: 'GET', url: '/jira/panel?x=2' })).toMatchObject({
      status: 200,
      body: { valid: false, error: { code: 'QSH_MISMATCH' } },
    });
  });

  it('answers 400 VALIDATION_FAILED when the method is missing', async () => {
    expect(await post({ token: 'a.b.c', url: '/x' })).toMatchObject({ status: 400, body: { code: 'VALIDATION_FAILED' } });
  });
});

describe('manifest entries of the JWT capability', () => {
  const fn = (name: string) => manifest.find((f) => f.name === name);

  it('serves /jwt/validate to administrators only', () => {
    expect(fn('jwt-validate')?.http).toEqual([{ method: 'POST', path: '/jwt/validate', auth: 'admin' }]);
  });

  it('serves the Connect lifecycle publicly with write access to connect/ secrets', () => {
    expect(fn('connect-lifecycle')).toMatchObject({
      http: [
        { method: 'POST', path: '/connect/installed', auth: 'public' },
        { method: 'POST', path: '/connect/uninstalled', auth: 'public' },
      ],
      access: { secrets: { prefix: 'connect/', write: true } },
    });
  });

  it('declares the authorizer without routes of its own and with read-only secrets', () => {
    expect(fn('jwt-authorizer')).toMatchObject({ access: { secrets: { prefix: 'connect/', write: false } } });
    expect(fn('jwt-authorizer')?.http).toBeUndefined();
  });
});
