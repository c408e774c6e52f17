import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { rawHttp } from '../support/raw-http.ts';
import { callsOf, resetCalls } from './fixtures/calls.ts';
import { httpManifest } from './fixtures/manifest.ts';
import { type TestRuntime, startTestRuntime } from './start.ts';

let t: TestRuntime;
beforeAll(async () => {
  t = await startTestRuntime({ manifest: httpManifest, publicUrl: 'https://trustline.example.com' });
});
afterAll(() => t.stop());
beforeEach(() => {
  resetCalls();
});

const get = (host: string) => rawHttp(t.rt.url, { path: '/health', headers: { host } });
const post = (headers: Record<string, string>, body?: string, path = '/echo/lifecycle') => rawHttp(t.rt.url, { method: 'POST', path, headers, ...(body === undefined ? {} : { body }) });

describe('local server: Host allow-list (DNS rebinding)', () => {
  it('answers the loopback names on its own port and the host of TRUSTLINE_PUBLIC_URL', async () => {
    const port = String(t.rt.port);
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, `LOCALHOST:${port}`, `[::1]:${port}`, 'trustline.example.com']) {
      expect((await get(host)).status, host).toBe(200);
    }
  });

  it('answers 421 problem+json to any other Host, before routing or reading a body', async () => {
    const port = String(t.rt.port);
    for (const host of [`attacker.example:${port}`, 'localhost', `127.0.0.1:${String(t.rt.port + 1)}`, 'trustline.example.com:8443']) {
      const res = await get(host);
      expect(res.status, host).toBe(421);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(res.json()).toMatchObject({ code: 'MISDIRECTED_REQUEST' });
    }
    const res = await rawHttp(t.rt.url, { method: 'POST', path: '/echo/lifecycle', headers: { host: 'rebound.example', 'content-type': 'application/json' }, body: '{}' });
    expect(res.status).toBe(421);
    expect(callsOf('POST /echo/{proxy+}')).toHaveLength(0);
  });
});

describe('local server: a body must be JSON', () => {
  it('refuses a text/plain body with 415 without invoking the function (a cross-site "simple" POST)', async () => {
    const res = await post({ 'content-type': 'text/plain' }, '{"eventType":"installed"}');
    expect(res.status).toBe(415);
    expect(res.json()).toMatchObject({ code: 'UNSUPPORTED_MEDIA_TYPE' });
    expect(callsOf('POST /echo/{proxy+}')).toHaveLength(0);
  });

  it('refuses a body without Content-Type and a form body alike', async () => {
    expect((await post({}, '{}')).status).toBe(415);
    expect((await post({ 'content-type': 'application/x-www-form-urlencoded' }, 'a=b')).status).toBe(415);
    expect((await post({ 'content-type': 'multipart/form-data; boundary=x' }, '--x--')).status).toBe(415);
  });

  it('accepts application/json, with parameters and in any case', async () => {
    expect((await post({ 'content-type': 'application/json' }, '{}')).status).toBe(200);
    expect((await post({ 'content-type': 'Application/JSON; charset=utf-8' }, '{}')).status).toBe(200);
  });

  it('accepts a POST without a body whatever its Content-Type', async () => {
    expect((await post({})).status).toBe(200);
    expect((await post({ 'content-type': 'text/plain', 'content-length': '0' }, '')).status).toBe(200);
    expect(callsOf('POST /echo/{proxy+}')).toHaveLength(2);
  });
});
