import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { bearerUpstream, type ConsoleAssets, type ConsoleServer, SESSION_COOKIE, SIGN_IN_TTL_MS, startConsoleServer } from '../../lib/console/index.ts';
import { closeServer } from '../support/close-server.ts';
import { testClock, type TestClock } from '../oauth/fixtures/services.ts';
import { rawHttp, type RawResponse } from '../support/raw-http.ts';
import { captureStdio } from '../support/stdio.ts';

const ADMIN_TOKEN = 'admin-token-never-in-the-browser-0123456789';
const assets: ConsoleAssets = {
  files: new Map([['app.js', { contentType: 'text/javascript; charset=utf-8', body: Buffer.from('/* app */') }]]),
  version: 'test',
};

interface Seen {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingMessage['headers'];
  readonly body: string;
}

/** A loopback stand-in for the admin API: records what reaches it and answers 200 with the path. */
async function adminApi(): Promise<{ server: Server; url: string; seen: Seen[] }> {
  const seen: Seen[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ path: req.url }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen };
}

describe('the console server', () => {
  let api: Awaited<ReturnType<typeof adminApi>>;
  let console: ConsoleServer;
  let clock: TestClock;
  let host: string;

  beforeEach(async () => {
    api = await adminApi();
    clock = testClock();
    console = await startConsoleServer({ upstream: bearerUpstream(api.url, ADMIN_TOKEN), clock, assets });
    host = new URL(console.url).host;
  });
  afterEach(async () => {
    await console.close();
    await closeServer(api.server);
  });

  const get = (path: string, headers: Record<string, string> = {}) => rawHttp(console.url, { path, headers: { host, ...headers } });
  const signInPath = () => new URL(console.signInUrl()).pathname + new URL(console.signInUrl()).search;

  async function session(): Promise<string> {
    const answer = await get(signInPath());
    return sessionCookie(answer);
  }

  function sessionCookie(answer: RawResponse): string {
    const header = ([] as string[]).concat(answer.headers['set-cookie'] ?? [])[0] ?? '';
    return header.split(';')[0] ?? '';
  }

  describe('one-time sign-in', () => {
    it('sets an HttpOnly, SameSite=Strict session cookie and sends the browser to /', async () => {
      const answer = await get(signInPath());
      expect(answer.status).toBe(303);
      expect(answer.headers.location).toBe('/');
      const cookie = ([] as string[]).concat(answer.headers['set-cookie'] ?? [])[0] ?? '';
      expect(cookie).toMatch(new RegExp(`^${SESSION_COOKIE}=[A-Za-z0-9_-]{40,}; `));
      expect(cookie).toContain('HttpOnly');
      expect(cookie).toContain('SameSite=Strict');
      expect(cookie).toContain('Path=/');
    });

    it('works once: the same URL a second time is refused and opens no session', async () => {
      const path = signInPath();
      expect((await get(path)).status).toBe(303);
      const again = await get(path);
      expect(again.status).toBe(403);
      expect(again.headers['set-cookie']).toBeUndefined();
      expect(again.body.toString()).toContain('already used or has expired');
    });

    it('expires after 2 minutes', async () => {
      const fresh = signInPath();
      const late = signInPath();
      clock.advance(SIGN_IN_TTL_MS - 1000);
      expect((await get(fresh)).status).toBe(303);
      clock.advance(2000);
      expect((await get(late)).status).toBe(403);
    });

    it('refuses a made-up or missing token', async () => {
      expect((await get('/signin?token=made-up')).status).toBe(403);
      expect((await get('/signin')).status).toBe(403);
    });
  });

  describe('without a session', () => {
    it('the page shows only how to sign in: no application script', async () => {
      const page = await get('/');
      expect(page.status).toBe(200);
      expect(page.body.toString()).toContain('npx trustline console');
      expect(page.body.toString()).not.toContain('app.js');
    });

    it("the console's API refuses every request with 401", async () => {
      const answer = await get('/api/admin/integrations');
      expect(answer.status).toBe(401);
      expect(answer.json()).toMatchObject({ code: 'NOT_SIGNED_IN' });
      expect(api.seen).toEqual([]);
    });

    it('a forged cookie is no session', async () => {
      expect((await get('/api/session', { cookie: `${SESSION_COOKIE}=forged` })).status).toBe(401);
    });
  });

  describe('with a session', () => {
    it('serves the application and its API', async () => {
      const cookie = await session();
      expect((await get('/', { cookie })).body.toString()).toContain('/assets/app.js?v=test');
      const answer = await get('/api/session', { cookie });
      expect(answer.status).toBe(200);
      expect(answer.json()).toEqual({ signedIn: true, trustlineUrl: api.url, auth: 'bearer' });
    });

    it('forwards /api/admin/... with the bearer token, never the browser cookie, and passes the answer back', async () => {
      const cookie = await session();
      const answer = await get('/api/admin/integrations?x=1', { cookie });
      expect(answer.status).toBe(200);
      expect(answer.json()).toEqual({ path: '/admin/integrations?x=1' });
      expect(api.seen[0]?.headers.authorization).toBe(`Bearer ${ADMIN_TOKEN}`);
      expect(api.seen[0]?.headers.cookie).toBeUndefined();
    });

    it('never sends the admin token to the browser', async () => {
      const cookie = await session();
      for (const path of ['/', '/api/session', '/api/admin/trust']) expect((await get(path, { cookie })).body.toString()).not.toContain(ADMIN_TOKEN);
    });

    it('forwards nothing outside /admin/ (dot segments included)', async () => {
      const cookie = await session();
      for (const path of ['/api/admin/../health', '/api/admin/%2e%2e/health', '/api/health', '/api/connect/installed']) {
        expect((await get(path, { cookie })).status).toBe(404);
      }
      expect(api.seen).toEqual([]);
    });
  });

  describe('Host and Origin', () => {
    it('answers 421 to a Host other than 127.0.0.1 or localhost on its port (DNS rebinding)', async () => {
      const cookie = await session();
      const port = new URL(console.url).port;
      for (const other of [`attacker.example:${port}`, '127.0.0.1', `127.0.0.1:${Number(port) + 1}`]) {
        const answer = await rawHttp(console.url, { path: '/api/session', headers: { host: other, cookie } });
        expect(answer.status).toBe(421);
      }
      expect((await rawHttp(console.url, { path: '/api/session', headers: { host: `localhost:${port}`, cookie } })).status).toBe(200);
    });

    it('refuses a change from another origin, or from none, even with the session cookie', async () => {
      const cookie = await session();
      const post = (headers: Record<string, string>) =>
        rawHttp(console.url, {
          method: 'POST',
          path: '/api/admin/trust',
          headers: { host, cookie, 'content-type': 'application/json', ...headers },
          body: '{"pem":"x"}',
        });
      expect((await post({ origin: 'http://attacker.example' })).status).toBe(403);
      expect((await post({})).status).toBe(403);
      expect(api.seen).toEqual([]);
      const own = await post({ origin: console.url });
      expect(own.status).toBe(200);
      expect(api.seen[0]).toMatchObject({ method: 'POST', url: '/admin/trust', body: '{"pem":"x"}' });
    });

    it('refuses a read from another origin', async () => {
      const cookie = await session();
      expect((await get('/api/admin/integrations', { cookie, origin: 'http://attacker.example' })).status).toBe(403);
    });

    it('takes request bodies only as JSON', async () => {
      const cookie = await session();
      const answer = await rawHttp(console.url, {
        method: 'POST',
        path: '/api/admin/trust',
        headers: { host, cookie, origin: console.url, 'content-type': 'text/plain' },
        body: 'pem=x',
      });
      expect(answer.status).toBe(415);
      expect(api.seen).toEqual([]);
    });
  });

  it('the JWT debugger keeps and logs nothing typed into it, even when the input is refused', async () => {
    const cookie = await session();
    const secret = 'typed-shared-secret-9f8e7d6c5b4a';
    const token = 'eyJhbGciOiJIUzI1NiJ9.eyJpc3MiOiJ4In0.c2lnbmF0dXJlLXR5cGVkLWhlcmU';
    const { stdout, stderr } = await captureStdio(async () => {
      const post = (body: unknown) =>
        rawHttp(console.url, {
          method: 'POST',
          path: '/api/jwt/debug',
          headers: { host, cookie, origin: console.url, 'content-type': 'application/json' },
          body: JSON.stringify(body),
        });
      expect((await post({ token, method: 'GET', url: '/x', secret })).status).toBe(200);
      const refused = await post({ token, method: 'NOT A METHOD', url: '/x', secret });
      expect(refused.status).toBe(400);
      expect(refused.body.toString()).not.toContain(secret);
    });
    expect(stdout + stderr).not.toContain(secret);
    expect(stdout + stderr).not.toContain(token);
    expect(api.seen).toEqual([]);
  });

  it('says plainly when the admin API does not answer (502)', async () => {
    const cookie = await session();
    await closeServer(api.server);
    const answer = await get('/api/admin/integrations', { cookie });
    expect(answer.status).toBe(502);
    expect(answer.json()).toMatchObject({ code: 'UPSTREAM_UNREACHABLE', detail: expect.stringContaining('nothing listens there') as unknown });
    api.server = createServer();
    await new Promise<void>((resolve) => api.server.listen(0, '127.0.0.1', resolve));
  });

  describe('refusals, answered as the admin API answers (one mapping, lib/http toProblem)', () => {
    const post = (path: string, cookie: string, body: string, headers: Record<string, string> = {}) =>
      rawHttp(console.url, { method: 'POST', path, headers: { host, cookie, origin: console.url, 'content-type': 'application/json', ...headers }, body });

    it('a missing session: 401 problem+json with the type, title, code, detail and fix the API gives, behind the console headers', async () => {
      const answer = await get('/api/admin/integrations');
      expect(answer.status).toBe(401);
      expect(answer.headers['content-type']).toBe('application/problem+json');
      expect(answer.headers['cache-control']).toBe('no-store');
      expect(answer.headers['content-security-policy']).toContain("frame-ancestors 'none'");
      expect(answer.json()).toEqual({
        type: '/problems/not-signed-in',
        title: 'Unauthorized',
        status: 401,
        code: 'NOT_SIGNED_IN',
        detail: expect.stringContaining('Sign in first') as unknown,
        fix: 'npx trustline console',
      });
    });

    it('keeps each status and code: 421 WRONG_HOST, 403 WRONG_ORIGIN, 404 NO_ROUTE, 413 BODY_TOO_LARGE, 415 UNSUPPORTED_MEDIA_TYPE', async () => {
      const cookie = await session();
      const wrongHost = await rawHttp(console.url, { path: '/api/session', headers: { host: 'attacker.example', cookie } });
      expect([wrongHost.status, wrongHost.json()]).toEqual([421, expect.objectContaining({ code: 'WRONG_HOST', actual: 'attacker.example' })]);
      const wrongOrigin = await post('/api/trust/preview', cookie, '{}', { origin: 'http://attacker.example' });
      expect([wrongOrigin.status, wrongOrigin.json()]).toEqual([403, expect.objectContaining({ code: 'WRONG_ORIGIN', actual: 'http://attacker.example' })]);
      const noRoute = await get('/api/nothing-here', { cookie });
      expect([noRoute.status, noRoute.json()]).toEqual([404, expect.objectContaining({ code: 'NO_ROUTE', title: 'Not Found' })]);
      const tooLarge = await post('/api/trust/preview', cookie, JSON.stringify({ pem: 'x'.repeat(200 * 1024) }));
      expect([tooLarge.status, tooLarge.json()]).toEqual([413, expect.objectContaining({ code: 'BODY_TOO_LARGE', title: 'Content Too Large' })]);
      const notJson = await post('/api/trust/preview', cookie, 'pem=x', { 'content-type': 'text/plain' });
      expect([notJson.status, notJson.json()]).toEqual([415, expect.objectContaining({ code: 'UNSUPPORTED_MEDIA_TYPE' })]);
      expect(api.seen).toEqual([]);
    });

    it("a pasted private key: 400 under the truststore's own code, with its fix", async () => {
      const cookie = await session();
      const answer = await post('/api/trust/preview', cookie, JSON.stringify({ pem: '-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n' }));
      expect(answer.status).toBe(400);
      expect(answer.json()).toMatchObject({ code: 'PRIVATE_KEY_NOT_ALLOWED', fix: expect.stringContaining('PRIVATE KEY') as unknown });
    });

    it("passes on the admin API's own refusal of a token: its status and code", async () => {
      const refusing = createServer((_req, res) => {
        res.writeHead(401, { 'content-type': 'application/problem+json' }).end(JSON.stringify({ code: 'TOKEN_EXPIRED', detail: 'The token expired.' }));
      });
      await new Promise<void>((resolve) => refusing.listen(0, '127.0.0.1', resolve));
      const other = await startConsoleServer({
        upstream: bearerUpstream(`http://127.0.0.1:${(refusing.address() as AddressInfo).port}`, ADMIN_TOKEN),
        clock,
        assets,
      });
      try {
        const otherHost = new URL(other.url).host;
        const signIn = new URL(other.signInUrl());
        const cookie = sessionCookie(await rawHttp(other.url, { path: signIn.pathname + signIn.search, headers: { host: otherHost } }));
        const answer = await rawHttp(other.url, {
          method: 'POST',
          path: '/api/jwt/debug',
          headers: { host: otherHost, cookie, origin: other.url, 'content-type': 'application/json' },
          body: JSON.stringify({ token: 'eyJhbGciOiJIUzI1NiJ9.eyJpc3MiOiJ4In0.c2lnbmF0dXJl', method: 'GET', url: '/x' }),
        });
        expect(answer.status).toBe(401);
        expect(answer.json()).toMatchObject({ code: 'TOKEN_EXPIRED', detail: 'The token expired.' });
      } finally {
        await other.close();
        await closeServer(refusing);
      }
    });
  });

  it('every answer forbids framing and foreign scripts', async () => {
    const page = await get('/');
    expect(page.headers['content-security-policy']).toContain("script-src 'self'");
    expect(page.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(page.headers['x-content-type-options']).toBe('nosniff');
  });
});
