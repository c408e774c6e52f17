import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { rawHttp } from '../support/raw-http.ts';
import { callsOf, resetCalls } from './fixtures/calls.ts';
import { httpManifest } from './fixtures/manifest.ts';
import { type TestRuntime, startTestRuntime } from './start.ts';

let t: TestRuntime;
let url: string;

beforeAll(async () => {
  t = await startTestRuntime({ manifest: httpManifest });
  url = t.rt.url;
});
afterAll(() => t.stop());
beforeEach(() => {
  resetCalls();
});

describe('local runtime over HTTP', () => {
  it('answers GET /health with 200 through the real health function', async () => {
    const res = await rawHttp(url, { path: '/health' });
    expect(res.status).toBe(200);
    expect(res.json()).toMatchObject({ status: 'ok', backend: 'local' });
  });

  it('listens on 127.0.0.1 on the port the OS picked', () => {
    expect(t.rt.port).toBeGreaterThan(0);
    expect(url).toBe(`http://127.0.0.1:${t.rt.port}`);
    expect(t.rt.config.publicUrl).toBe(url);
  });

  it('passes rawPath and rawQueryString exactly as they came over the wire', async () => {
    const res = await rawHttp(url, { path: '/echo/a%2Fb/%7E/./x/../y?a=1&a=2&b[]=x%20y&c=%2B+' });
    const event = res.json() as APIGatewayProxyEventV2;
    expect(event.rawPath).toBe('/echo/a%2Fb/%7E/./x/../y');
    expect(event.rawQueryString).toBe('a=1&a=2&b[]=x%20y&c=%2B+');
    expect(event.requestContext.http.path).toBe('/echo/a%2Fb/%7E/./x/../y');
  });

  it('builds a payload 2.0 event: routeKey, decoded parameters, lower-cased comma-joined headers, cookies apart', async () => {
    const res = await rawHttp(url, {
      path: '/echo/a%2Fb/%7E?a=1&a=2&b[]=x%20y',
      headers: { 'X-Repeat': ['one', 'two'], Cookie: 'session=s1; theme=dark', 'User-Agent': 'trustline-test/1' },
    });
    const event = res.json() as APIGatewayProxyEventV2;
    expect(event).toMatchObject({
      version: '2.0',
      routeKey: 'GET /echo/{proxy+}',
      pathParameters: { proxy: 'a/b/~' },
      queryStringParameters: { a: '1,2', 'b[]': 'x y' },
      cookies: ['session=s1', 'theme=dark'],
      isBase64Encoded: false,
      requestContext: {
        routeKey: 'GET /echo/{proxy+}',
        stage: '$default',
        domainName: `127.0.0.1:${t.rt.port}`,
        http: { method: 'GET', protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'trustline-test/1' },
      },
    });
    expect(event.headers['x-repeat']).toBe('one,two');
    expect(event.headers.cookie).toBeUndefined();
    expect(event.body).toBeUndefined();
    expect(event.requestContext.requestId).toMatch(/^\S{8,}$/);
    expect(Math.abs(event.requestContext.timeEpoch - Date.now())).toBeLessThan(60_000);
    expect(event.requestContext.time).toMatch(/^\d{2}\/[A-Z][a-z]{2}\/\d{4}:\d{2}:\d{2}:\d{2} \+0000$/);
  });

  it('hands a JSON body over as text; other content types never reach a function (415, see host-and-content-type.test.ts)', async () => {
    const text = await rawHttp(url, { method: 'POST', path: '/echo/t', headers: { 'content-type': 'application/json' }, body: '{"a":"é"}' });
    expect(text.json()).toMatchObject({ body: '{"a":"é"}', isBase64Encoded: false });
    const binary = await rawHttp(url, {
      method: 'POST',
      path: '/echo/b',
      headers: { 'content-type': 'application/octet-stream' },
      body: Buffer.from([0, 1, 2, 254, 255]),
    });
    expect(binary.status).toBe(415);
  });

  it('prefers a literal segment over a {param} and matches {param} to exactly one segment', async () => {
    expect(((await rawHttp(url, { path: '/items/special' })).json() as APIGatewayProxyEventV2).routeKey).toBe('GET /items/special');
    expect((await rawHttp(url, { path: '/items/42' })).json()).toMatchObject({ routeKey: 'GET /items/{id}', pathParameters: { id: '42' } });
    expect((await rawHttp(url, { path: '/items/42/more' })).status).toBe(404);
  });

  it('answers an unknown path with 404 problem+json', async () => {
    const res = await rawHttp(url, { path: '/nowhere?x=1' });
    expect(res.status).toBe(404);
    expect(res.headers['content-type']).toBe('application/problem+json');
    expect(res.json()).toMatchObject({ status: 404, code: 'NO_ROUTE' });
  });

  it('answers a known path with another method with 405 problem+json and an Allow header', async () => {
    const res = await rawHttp(url, { method: 'PUT', path: '/items/7' });
    expect(res.status).toBe(405);
    expect(res.headers.allow).toBe('DELETE, GET');
    expect(res.json()).toMatchObject({ status: 405, code: 'METHOD_NOT_ALLOWED', allow: ['DELETE', 'GET'] });
    expect(callsOf('DELETE /items/{id}')).toHaveLength(0);
  });

  it('refuses a body declared over 64 KiB with 413 without invoking the function', async () => {
    const res = await rawHttp(url, {
      method: 'POST',
      path: '/echo/big',
      headers: { 'content-type': 'application/json' },
      body: Buffer.alloc(64 * 1024 + 1, 0x20),
    });
    expect(res.status).toBe(413);
    expect(res.json()).toMatchObject({ code: 'BODY_TOO_LARGE', limit: 65536 });
    expect(callsOf('POST /echo/{proxy+}')).toHaveLength(0);
  });

  it('refuses a chunked body with 413 as soon as it passes 64 KiB', async () => {
    const chunks = Array.from({ length: 5 }, () => Buffer.alloc(16 * 1024 + 1, 0x20));
    const res = await rawHttp(url, { method: 'POST', path: '/echo/big', headers: { 'content-type': 'application/json' }, chunks });
    expect(res.status).toBe(413);
    expect(callsOf('POST /echo/{proxy+}')).toHaveLength(0);
  });

  it('accepts a body of exactly 64 KiB', async () => {
    const body = `"${'a'.repeat(64 * 1024 - 2)}"`;
    const res = await rawHttp(url, { method: 'POST', path: '/echo/edge', headers: { 'content-type': 'application/json' }, body });
    expect(res.status).toBe(200);
    expect((res.json() as APIGatewayProxyEventV2).body).toHaveLength(64 * 1024);
  });

  it('answers malformed JSON with 400 naming the position, through readJson in the handler', async () => {
    const res = await rawHttp(url, { method: 'POST', path: '/json', headers: { 'content-type': 'application/json' }, body: '{"a": 1,,}' });
    expect(res.status).toBe(400);
    expect(res.json()).toMatchObject({ code: 'MALFORMED_JSON', position: 8, line: 1, column: 9 });
    expect((res.json() as { detail: string }).detail).toContain('position 8');
  });

  it('turns the result into the response: status, headers, cookies as set-cookie, base64 body', async () => {
    const res = await rawHttp(url, { path: '/respond/cookies' });
    expect(res.status).toBe(201);
    expect(res.headers['x-custom']).toBe('yes');
    expect(res.headers['set-cookie']).toEqual(['a=1; Path=/; HttpOnly', 'b=2; Secure']);
    expect(res.headers['content-length']).toBe('4');
    expect([...res.body]).toEqual([0, 1, 2, 255]);
  });

  it('answers a result without statusCode as a 200 JSON body, as API Gateway infers', async () => {
    const res = await rawHttp(url, { path: '/respond/plain-object' });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/json');
    expect(res.json()).toEqual({ hello: 'world' });
  });

  it('answers 500 problem+json when the function itself fails, without its error message', async () => {
    const res = await rawHttp(url, { path: '/respond/throw' });
    expect(res.status).toBe(500);
    expect(res.json()).toMatchObject({ code: 'FUNCTION_FAILED' });
    expect(res.body.toString()).not.toContain('crashed');
  });

  it('answers 500 problem+json when the function returns an unusable result', async () => {
    const res = await rawHttp(url, { path: '/respond/invalid' });
    expect(res.status).toBe(500);
    expect(res.json()).toMatchObject({ code: 'INVALID_FUNCTION_RESULT' });
  });
});
