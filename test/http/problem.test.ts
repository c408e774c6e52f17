import { describe, expect, it } from 'vitest';
import { type ErrorCategory, TrustlineError } from '../../lib/errors.ts';
import { HttpProblem, httpHandler, toProblem } from '../../lib/http/index.ts';
import { KeyUnavailableError, QshMismatchError } from '../../lib/jwt/errors.ts';
import { OidcRequestError } from '../../lib/jwt/oidc-errors.ts';
import { InsecureEndpointError, IntegrationNameTakenError, RefreshBusyError, StateUnknownError, TokenEndpointError } from '../../lib/oauth/index.ts';
import { ConditionFailedError } from '../../lib/store/index.ts';
import { EndpointNotFoundError, InvalidTargetError } from '../../lib/tls/index.ts';
import { AliasTakenError, InvalidCertificateError } from '../../lib/trust/errors.ts';
import { apiEvent } from '../support/api-event.ts';
import { captureStdio } from '../support/stdio.ts';

class CategorisedError extends TrustlineError {
  readonly code = 'SOME_CODE';
  constructor(override readonly category: ErrorCategory) {
    super('Something the caller can act on.', { expected: 'a', actual: 'b', fix: 'Do c.' });
  }
}

describe('toProblem', () => {
  it.each([
    ['invalid-input', 400],
    ['unauthorized', 401],
    ['not-found', 404],
    ['conflict', 409],
    ['upstream', 502],
    ['unavailable', 503],
  ] as const)('answers a TrustlineError of category %s with %i, its code, message and fields', (category, status) => {
    const problem = toProblem(new CategorisedError(category));
    expect(problem).toMatchObject({
      status,
      code: 'SOME_CODE',
      detail: 'Something the caller can act on.',
      extra: { expected: 'a', actual: 'b', fix: 'Do c.' },
    });
  });

  it('maps the errors of every capability through their category, not their class', () => {
    const cases: [TrustlineError, number, string][] = [
      [new InvalidCertificateError('no PEM block'), 400, 'INVALID_CERTIFICATE'],
      [new AliasTakenError('corp', 'AB:CD'), 409, 'ALIAS_TAKEN'],
      [new InvalidTargetError('The host is not valid.', 'a host name', 'bad host'), 400, 'INVALID_TARGET'],
      [new EndpointNotFoundError('e1'), 404, 'ENDPOINT_NOT_FOUND'],
      [new OidcRequestError('The audience to expect is empty.', 'Name it.'), 400, 'INVALID_OIDC_REQUEST'],
      [new KeyUnavailableError('The key server did not answer.', true), 503, 'KEY_UNAVAILABLE'],
      [new KeyUnavailableError('The key server does not know the key.', false), 401, 'KEY_UNAVAILABLE'],
      [new IntegrationNameTakenError('mail'), 409, 'INTEGRATION_NAME_TAKEN'],
      [new RefreshBusyError('i1'), 503, 'REFRESH_IN_PROGRESS'],
      [new StateUnknownError(), 400, 'STATE_UNKNOWN'],
      [new TokenEndpointError('server-error', 'The token endpoint failed.', undefined, 500), 502, 'TOKEN_ENDPOINT_FAILED'],
    ];
    expect(cases.map(([error]) => [toProblem(error).status, toProblem(error).code])).toEqual(cases.map(([, status, code]) => [status, code]));
  });

  it('keeps the setting an OAuth error is about as a field', () => {
    expect(toProblem(new InsecureEndpointError('tokenEndpoint', 'http://idp.example.com/token')).extra).toMatchObject({
      field: 'tokenEndpoint',
      actual: 'http://idp.example.com/token',
    });
  });

  it('answers an internal TrustlineError like any unexpected error: 500 INTERNAL, no detail of it', () => {
    const problem = toProblem(new ConditionFailedError('integration', 'i1', 3), { requestId: 'req-1' });
    expect(problem).toMatchObject({ status: 500, code: 'INTERNAL', extra: { requestId: 'req-1' } });
    expect(problem.detail).not.toMatch(/integration|i1/);
  });

  it('passes an HttpProblem through as it is', () => {
    const given = new HttpProblem(413, 'BODY_TOO_LARGE', 'Too large.');
    expect(toProblem(given)).toBe(given);
  });

  it('tells an anonymous caller the status and code only: no message, no fields', () => {
    const qsh = new QshMismatchError('a'.repeat(64), 'b'.repeat(64), 'GET&/secret-path&', undefined);
    const refused = toProblem(qsh, { anonymous: true });
    expect(refused).toMatchObject({ status: 401, code: 'QSH_MISMATCH', extra: {} });
    expect(refused.detail).not.toMatch(/secret-path|aaaa|bbbb/);
    const unavailable = toProblem(new KeyUnavailableError('https://keys.example.com/k1 answered HTTP 500.', true), { anonymous: true });
    expect(unavailable.status).toBe(503);
    expect(unavailable.detail).not.toMatch(/keys\.example\.com|HTTP 500/);
  });
});

describe('httpHandler with TrustlineErrors', () => {
  it('answers a TrustlineError a route throws with problem+json by its category, and logs nothing for a 4xx', async () => {
    const handler = httpHandler({ 'POST /t': () => Promise.reject(new AliasTakenError('corp', 'AB:CD')) });
    const { lines } = await captureStdio(async () => {
      const result = await handler(apiEvent('POST /t'));
      expect(result.statusCode).toBe(409);
      expect(result.headers?.['content-type']).toBe('application/problem+json');
      expect(JSON.parse(result.body ?? '{}')).toMatchObject({ code: 'ALIAS_TAKEN', status: 409, expected: 'an unused alias', actual: 'corp' });
    });
    expect(lines).toHaveLength(0);
  });
});
