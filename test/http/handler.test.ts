import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { HttpProblem, httpHandler, json, pathParam } from '../../lib/http/index.ts';
import { registerSecret } from '../../lib/observe/redact.ts';
import { forgetSecrets } from '../../lib/observe/secret-registry.ts';
import { apiEvent } from '../support/api-event.ts';
import { captureStdio } from '../support/stdio.ts';

afterEach(() => {
  forgetSecrets();
});

const bodyOf = (result: { body?: string }) => JSON.parse(result.body ?? 'null') as Record<string, unknown>;

describe('httpHandler', () => {
  it('dispatches on routeKey', async () => {
    const handler = httpHandler({
      'GET /a': () => Promise.resolve(json(200, { route: 'a' })),
      'GET /b/{id}': () => Promise.resolve(json(200, { route: 'b' })),
    });
    expect(bodyOf(await handler(apiEvent('GET /b/{id}')))).toEqual({ route: 'b' });
  });

  it('hands the route the event untouched: rawPath and rawQueryString exactly as received', async () => {
    let seen: unknown;
    const handler = httpHandler({
      'GET /x/{id}': (event) => {
        seen = { rawPath: event.rawPath, rawQueryString: event.rawQueryString };
        return Promise.resolve(json(200, {}));
      },
    });
    await handler(apiEvent('GET /x/{id}', { rawPath: '/x/a%2Fb%7E', rawQueryString: 'a=1&a=2&b[]=x%20y' }));
    expect(seen).toEqual({ rawPath: '/x/a%2Fb%7E', rawQueryString: 'a=1&a=2&b[]=x%20y' });
  });

  it('turns an HttpProblem into application/problem+json with its stable code', async () => {
    const handler = httpHandler({
      'POST /t': () => Promise.reject(new HttpProblem(409, 'ALREADY_EXISTS', 'An integration with this name exists.', { name: 'mail' })),
    });
    const result = await handler(apiEvent('POST /t'));
    expect(result.statusCode).toBe(409);
    expect(result.headers?.['content-type']).toBe('application/problem+json');
    expect(bodyOf(result)).toEqual({
      type: '/problems/already-exists',
      title: 'Conflict',
      status: 409,
      code: 'ALREADY_EXISTS',
      detail: 'An integration with this name exists.',
      name: 'mail',
    });
  });

  it('never lets extra fields override the code clients match on', async () => {
    const handler = httpHandler({ 'GET /t': () => Promise.reject(new HttpProblem(400, 'REAL_CODE', 'Bad.', { code: 'FAKE', status: 200 })) });
    expect(bodyOf(await handler(apiEvent('GET /t')))).toMatchObject({ code: 'REAL_CODE', status: 400 });
  });

  it('answers an unexpected error with 500 INTERNAL and no detail of the error', async () => {
    const handler = httpHandler({ 'GET /t': () => Promise.reject(new Error('database password rejected at db.internal:5432')) });
    const event = apiEvent('GET /t');
    const { lines } = await captureStdio(async () => {
      const result = await handler(event);
      expect(result.statusCode).toBe(500);
      expect(result.body).not.toContain('database');
      expect(bodyOf(result)).toMatchObject({ code: 'INTERNAL', requestId: event.requestContext.requestId });
    });
    expect(lines).toHaveLength(1);
  });

  it('logs the unexpected error with its secrets redacted', async () => {
    const secret = `GOCSPX-${randomBytes(12).toString('hex')}`;
    registerSecret(secret);
    const handler = httpHandler({ 'GET /t': () => Promise.reject(new Error(`token endpoint refused client secret ${secret}`)) });
    const event = apiEvent('GET /t');
    const { lines } = await captureStdio(() => handler(event));
    const logged = lines.join('\n');
    expect(logged).not.toContain(secret);
    expect(JSON.parse(lines[0]!)).toMatchObject({
      level: 'ERROR',
      routeKey: 'GET /t',
      requestId: event.requestContext.requestId,
      error: { message: 'token endpoint refused client secret [REDACTED]' },
    });
  });

  it('answers 404 NO_ROUTE for a routeKey it does not serve, prototype names included', async () => {
    const handler = httpHandler({ 'GET /t': () => Promise.resolve(json(200, {})) });
    for (const routeKey of ['GET /other', 'constructor', '__proto__', 'toString']) {
      const result = await handler(apiEvent(routeKey));
      expect(result.statusCode).toBe(404);
      expect(bodyOf(result).code).toBe('NO_ROUTE');
    }
  });
});

describe('pathParam', () => {
  it('returns the decoded path parameter API Gateway passed', () => {
    expect(pathParam(apiEvent('GET /x/{id}', { pathParameters: { id: 'a/b' } }), 'id')).toBe('a/b');
  });

  it('answers 400 MISSING_PATH_PARAMETER when the route has no such parameter', () => {
    expect(() => pathParam(apiEvent('GET /x'), 'id')).toThrow(expect.objectContaining({ status: 400, code: 'MISSING_PATH_PARAMETER' }));
  });
});
