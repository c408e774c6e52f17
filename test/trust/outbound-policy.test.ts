import http from 'node:http';
import { gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { createOutboundPolicy, createTrustContext, fixedTrustStore, type OutboundPolicyOptions } from '../../lib/trust/index.ts';
import { listen, type Running } from '../support/tls/servers.ts';

const LIMIT = 64 * 1024;
const open: Running[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((server) => server.close()));
});

type Route = (request: http.IncomingMessage, response: http.ServerResponse) => void;

/** A loopback HTTP server answering by path; counts every request it receives. */
async function serve(routes: Record<string, Route>) {
  const seen: string[] = [];
  const server = http.createServer((request, response) => {
    seen.push(request.url ?? '');
    const route = routes[request.url ?? ''];
    if (route === undefined) response.writeHead(404).end();
    else route(request, response);
  });
  const running = await listen(server);
  open.push(running);
  return { port: running.port, base: `http://127.0.0.1:${String(running.port)}`, seen };
}

const redirectTo =
  (location: string): Route =>
  (_request, response) =>
    response.writeHead(302, { location }).end();
const ok: Route = (_request, response) => response.writeHead(200, { 'content-type': 'text/plain' }).end('ok');

function trust(outbound: OutboundPolicyOptions = {}) {
  return createTrustContext(fixedTrustStore(), { outbound: { lambdaRuntimeApi: undefined, maxBodyBytes: LIMIT, ...outbound } });
}

/** The innermost cause of a failed fetch. */
async function failure(pending: Promise<unknown>): Promise<{ code?: string; message: string }> {
  const error: unknown = await pending.then(
    () => expect.unreachable('the fetch should have failed'),
    (caught: unknown) => caught,
  );
  let inner = error as Error & { code?: string };
  while (inner.cause instanceof Error) inner = inner.cause;
  return inner;
}

describe('outbound policy: addresses', () => {
  it.each(['169.254.169.254', '169.254.170.2', 'fe80::1', '::ffff:169.254.169.254', 'fd00:ec2::254'])(
    'always refuses the link-local or metadata address %s',
    (address) => {
      const policy = createOutboundPolicy({ allowLoopback: true, lambdaRuntimeApi: undefined });
      expect(policy.refusal(address, 80, 'service')).toContain('link-local');
      expect(policy.refusal(address, 80, 'certificate')).toContain('link-local');
    },
  );

  it.each(['10.0.0.5', '172.16.3.4', '192.168.1.10', 'fd12:3456::1', '203.0.113.9'])(
    'allows the private or public address %s: internal PKIs and identity providers live there',
    (address) => {
      const policy = createOutboundPolicy({ lambdaRuntimeApi: undefined });
      expect(policy.refusal(address, 443, 'service')).toBeUndefined();
      expect(policy.refusal(address, 443, 'certificate')).toBeUndefined();
    },
  );

  it('refuses loopback to certificate-driven fetches unless the development flag allows it; services may use it', () => {
    const strict = createOutboundPolicy({ lambdaRuntimeApi: undefined });
    const dev = createOutboundPolicy({ allowLoopback: true, lambdaRuntimeApi: undefined });
    for (const address of ['127.0.0.1', '127.9.9.9', '::1', '0.0.0.0', '::ffff:127.0.0.1']) {
      expect(strict.refusal(address, 80, 'certificate')).toContain('TRUSTLINE_DEV_ALLOW_LOOPBACK_HTTP=1');
      expect(dev.refusal(address, 80, 'certificate')).toBeUndefined();
      expect(strict.refusal(address, 80, 'service')).toBeUndefined();
    }
  });

  it('refuses the Lambda runtime API of AWS_LAMBDA_RUNTIME_API by default, on any loopback address', () => {
    const previous = process.env.AWS_LAMBDA_RUNTIME_API;
    process.env.AWS_LAMBDA_RUNTIME_API = '127.0.0.1:9001';
    try {
      const policy = createOutboundPolicy({ allowLoopback: true });
      expect(policy.refusal('127.0.0.1', 9001, 'service')).toContain('Lambda runtime API');
      expect(policy.refusal('::1', 9001, 'service')).toContain('Lambda runtime API');
      expect(policy.refusal('127.0.0.1', 9002, 'service')).toBeUndefined();
    } finally {
      if (previous === undefined) delete process.env.AWS_LAMBDA_RUNTIME_API;
      else process.env.AWS_LAMBDA_RUNTIME_API = previous;
    }
  });
});

describe("outbound policy: the trust's fetches", () => {
  it('never open a connection to a link-local address', async () => {
    // Refused before any socket opens, so no metadata service needs to exist for this to fail fast.
    expect(await failure(trust().fetch('http://169.254.169.254/latest/meta-data/'))).toMatchObject({ code: 'OUTBOUND_REFUSED' });
    expect(await failure(trust().fetch('http://[fe80::1]/'))).toMatchObject({ code: 'OUTBOUND_REFUSED' });
  });

  it('check the resolved address, not the name: a name for loopback is refused to a certificate-driven fetch', async () => {
    const server = await serve({ '/issuer.cer': ok });
    expect(await failure(trust().certificateFetch(`http://localhost:${String(server.port)}/issuer.cer`))).toMatchObject({ code: 'OUTBOUND_REFUSED' });
    expect(await failure(trust().certificateFetch(`${server.base}/issuer.cer`))).toMatchObject({ code: 'OUTBOUND_REFUSED' });
    expect(server.seen).toEqual([]);
    const allowed = await trust({ allowLoopback: true }).certificateFetch(`http://localhost:${String(server.port)}/issuer.cer`);
    expect(await allowed.text()).toBe('ok');
  });

  it('refuse the Lambda runtime API by its host and port, by IP and by name', async () => {
    const runtime = await serve({ '/2018-06-01/runtime/invocation/next': ok });
    const fetch = trust({ allowLoopback: true, lambdaRuntimeApi: `127.0.0.1:${String(runtime.port)}` }).fetch;
    expect(await failure(fetch(`${runtime.base}/2018-06-01/runtime/invocation/next`))).toMatchObject({ code: 'OUTBOUND_REFUSED' });
    expect(await failure(fetch(`http://localhost:${String(runtime.port)}/2018-06-01/runtime/invocation/next`))).toMatchObject({ code: 'OUTBOUND_REFUSED' });
    expect(runtime.seen).toEqual([]);
  });

  it('check every redirect hop again: a redirect to the metadata service is refused', async () => {
    const server = await serve({ '/start': redirectTo('http://169.254.169.254/latest/meta-data/iam/') });
    expect(await failure(trust().fetch(`${server.base}/start`))).toMatchObject({ code: 'OUTBOUND_REFUSED' });
  });

  it('follow at most three redirects', async () => {
    const server = await serve({ '/0': redirectTo('/1'), '/1': redirectTo('/2'), '/2': redirectTo('/3'), '/3': ok, '/4': redirectTo('/0') });
    const response = await trust().fetch(`${server.base}/0`);
    expect([response.status, response.redirected, response.url, await response.text()]).toEqual([200, true, `${server.base}/3`, 'ok']);
    expect(await failure(trust().fetch(`${server.base}/4`))).toMatchObject({ message: expect.stringContaining('more than 3 redirects') as unknown });
  });

  it('hand a redirect back unfollowed when the caller asks for redirect: manual (openid-client does)', async () => {
    const server = await serve({ '/token': redirectTo('http://169.254.169.254/') });
    const response = await trust().fetch(`${server.base}/token`, { redirect: 'manual', method: 'POST', body: 'grant_type=refresh_token' });
    expect([response.status, response.headers.get('location')]).toEqual([302, 'http://169.254.169.254/']);
  });

  it('do not carry credentials across origins when following a redirect', async () => {
    let authorization: string | undefined = 'not requested';
    const target = await serve({
      '/landing': (request, response) => {
        authorization = request.headers.authorization;
        ok(request, response);
      },
    });
    const server = await serve({ '/start': redirectTo(`http://localhost:${String(target.port)}/landing`) });
    await (await trust().fetch(`${server.base}/start`, { headers: { authorization: 'Bearer kept-at-home' } })).text();
    expect(authorization).toBeUndefined();
  });
});

describe('outbound policy: response bodies', () => {
  it('read a body up to the cap', async () => {
    const server = await serve({ '/fits': (_request, response) => response.writeHead(200).end(Buffer.alloc(LIMIT, 'a')) });
    expect((await (await trust().fetch(`${server.base}/fits`)).arrayBuffer()).byteLength).toBe(LIMIT);
  });

  it('refuse a body larger than the cap', async () => {
    const server = await serve({ '/large': (_request, response) => response.writeHead(200).end(Buffer.alloc(LIMIT + 1, 'a')) });
    const error = await failure((async () => (await trust().fetch(`${server.base}/large`)).arrayBuffer())());
    expect(error.code).toBe('UND_ERR_RES_EXCEEDED_MAX_SIZE');
  });

  it('count the decompressed size: a small gzip answer that inflates past the cap is refused', async () => {
    const bomb = gzipSync(Buffer.alloc(64 * LIMIT));
    expect(bomb.length).toBeLessThan(LIMIT);
    const server = await serve({
      '/bomb': (_request, response) => response.writeHead(200, { 'content-encoding': 'gzip', 'content-type': 'application/json' }).end(bomb),
    });
    const error = await failure((async () => (await trust().fetch(`${server.base}/bomb`)).json())());
    expect(error).toMatchObject({ code: 'RESPONSE_TOO_LARGE' });
  });

  it('inflate a compressed answer under the cap as fetch does', async () => {
    const server = await serve({
      '/small': (_request, response) => response.writeHead(200, { 'content-encoding': 'gzip' }).end(gzipSync('{"access_token":"at"}')),
    });
    expect(await (await trust().fetch(`${server.base}/small`)).json()).toEqual({ access_token: 'at' });
  });
});

describe('outbound policy: mail logins', () => {
  it.each(['imap', 'pop3', 'smtp'] as const)('%s: refuses a mail server on a link-local address before any connection', async (protocol) => {
    const { mailLogin } = await import('../../lib/mail/index.ts');
    const error = await mailLogin({ protocol, host: '169.254.169.254', port: 993, security: 'tls', username: 'a@example.test' }, 'token', trust()).catch(
      (caught: unknown) => caught,
    );
    expect(error).toMatchObject({ code: 'MAIL_CONNECT_FAILED', message: expect.stringContaining('link-local') as unknown });
  });
});
