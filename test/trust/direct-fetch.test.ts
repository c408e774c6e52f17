import { getEventListeners } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import * as client from 'openid-client';
import { Agent } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { directRequest, fetchDirect } from '../../lib/trust/direct-fetch.ts';
import { freePort } from '../support/ports.ts';

/** What the server saw of the last request. */
let received: { method: string; url: string; headers: http.IncomingHttpHeaders; body: string } | undefined;
const server = http.createServer((request, response) => {
  let body = '';
  request.on('data', (chunk: Buffer) => (body += chunk.toString()));
  request.on('end', () => {
    received = { method: request.method ?? '', url: request.url ?? '', headers: request.headers, body };
    const path = new URL(request.url ?? '/', 'http://x').pathname;
    if (path === '/json') {
      response.setHeader('set-cookie', ['a=1', 'b=2']);
      response.writeHead(201, 'Made', { 'content-type': 'application/json' }).end('{"ok":true,"n":1}');
    } else if (path === '/gzip') {
      response.writeHead(200, { 'content-type': 'text/plain', 'content-encoding': 'gzip' }).end(gzipSync('squeezed'));
    } else if (path === '/empty') {
      response.writeHead(204).end();
    } else if (path === '/redirect') {
      response.writeHead(302, { location: '/json' }).end('moved');
    } else if (path === '/hang') {
      response.writeHead(200);
      response.write('partial');
    } else if (path === '/token') {
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ access_token: 'at-1', refresh_token: 'rt-2', token_type: 'Bearer', expires_in: 60 }));
    } else {
      response.writeHead(404).end();
    }
  });
});
let base = '';
const agent = new Agent();

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => { resolve(); }));
  await agent.close();
});

/** fetch(input, init) the way the trust context answers it when the request qualifies. */
async function direct(input: string, init: RequestInit): Promise<Response> {
  const request = directRequest(input, init);
  if (request === undefined) throw new Error('expected a direct request');
  return fetchDirect(agent, request);
}

describe('direct requests', () => {
  it('are taken only for one exchange of a plain body, as openid-client, oauth4webapi and jose send', () => {
    expect(directRequest(`${base}/json`, { redirect: 'manual' })).toBeDefined();
    expect(directRequest(new URL(`${base}/json`), { redirect: 'manual', method: 'POST', body: new URLSearchParams({ a: 'b' }) })).toBeDefined();
    // Anything else is left to fetch: redirects followed, Request objects, streamed bodies, other options, credentials in the URL.
    expect(directRequest(`${base}/json`, undefined)).toBeUndefined();
    expect(directRequest(`${base}/json`, { redirect: 'follow' })).toBeUndefined();
    expect(directRequest(new Request(`${base}/json`), { redirect: 'manual' })).toBeUndefined();
    expect(directRequest(`${base}/json`, { redirect: 'manual', mode: 'cors' })).toBeUndefined();
    expect(directRequest(`${base}/json`, { redirect: 'manual', method: 'POST', body: new Blob(['x']) })).toBeUndefined();
    expect(directRequest(`http://user:pw@127.0.0.1/json`, { redirect: 'manual' })).toBeUndefined();
  });

  it('send what fetch sends: its default content types and accept, its method normalisation', async () => {
    await (await direct(`${base}/json?q=1`, { redirect: 'manual', method: 'post', body: new URLSearchParams({ grant_type: 'refresh_token' }) })).text();
    expect(received).toMatchObject({ method: 'POST', url: '/json?q=1', body: 'grant_type=refresh_token' });
    expect(received?.headers).toMatchObject({ 'content-type': 'application/x-www-form-urlencoded;charset=UTF-8', accept: '*/*' });
    await (await direct(`${base}/json`, { redirect: 'manual', method: 'PUT', body: 'text', headers: { Accept: 'application/json' } })).text();
    expect(received?.headers).toMatchObject({ 'content-type': 'text/plain;charset=UTF-8', accept: 'application/json' });
    // fetch upper-cases only DELETE, GET, HEAD, OPTIONS, POST and PUT.
    expect(directRequest(base, { redirect: 'manual', method: 'delete' })?.options.method).toBe('DELETE');
    expect(directRequest(base, { redirect: 'manual', method: 'patch' })?.options.method).toBe('patch');
  });

  it('answer as fetch does: status, status text, every header, the URL and the body', async () => {
    const ours = await direct(`${base}/json`, { redirect: 'manual' });
    const theirs = await fetch(`${base}/json`, { redirect: 'manual' });
    for (const response of [ours, theirs]) {
      expect(response).toBeInstanceOf(Response);
      expect(response).toMatchObject({ status: 201, statusText: 'Made', ok: true, url: `${base}/json`, bodyUsed: false });
      expect(response.headers.getSetCookie()).toEqual(['a=1', 'b=2']);
      expect(response.headers.get('content-type')).toBe('application/json');
      expect(await response.json()).toEqual({ ok: true, n: 1 });
      expect(response.bodyUsed).toBe(true);
    }
  });

  it('read a body once, whichever way it is read, and clone it only before', async () => {
    const response = await direct(`${base}/json`, { redirect: 'manual' });
    const copy = response.clone();
    // Later exchanges on the same connection must not touch the bytes held (undici reuses its read buffer).
    for (let i = 0; i < 3; i++) await (await direct(`${base}/gzip`, { redirect: 'manual' })).text();
    expect(await response.text()).toBe('{"ok":true,"n":1}');
    await expect(response.json()).rejects.toThrow(TypeError);
    await expect(response.arrayBuffer()).rejects.toThrow(TypeError);
    expect(() => response.clone()).toThrow(TypeError);
    expect(new TextDecoder().decode(await copy.arrayBuffer())).toBe('{"ok":true,"n":1}');
  });

  it('give a body stream on demand, which then answers every reader', async () => {
    const response = await direct(`${base}/json`, { redirect: 'manual' });
    const stream = response.body;
    expect(stream).toBeInstanceOf(ReadableStream);
    const { value } = await (stream as ReadableStream<Uint8Array>).getReader().read();
    expect(new TextDecoder().decode(value)).toBe('{"ok":true,"n":1}');
    expect(response.bodyUsed).toBe(true);
    await expect(response.text()).rejects.toThrow(TypeError);
    const blob = await (await direct(`${base}/json`, { redirect: 'manual' })).blob();
    expect(await blob.text()).toBe('{"ok":true,"n":1}');
  });

  it('undo a content coding the server applied unasked, and have no body where fetch has none', async () => {
    expect(await (await direct(`${base}/gzip`, { redirect: 'manual' })).text()).toBe('squeezed');
    const empty = await direct(`${base}/empty`, { redirect: 'manual' });
    expect(empty.status).toBe(204);
    expect(empty.body).toBeNull();
    const head = await direct(`${base}/json`, { redirect: 'manual', method: 'HEAD' });
    expect(head.body).toBeNull();
  });

  it('hand a redirect back unfollowed, as redirect: manual asks', async () => {
    const response = await direct(`${base}/redirect`, { redirect: 'manual' });
    expect(response.status).toBe(302);
    expect(response.headers.get('location')).toBe('/json');
  });

  it('fail as fetch fails: TypeError "fetch failed" with the cause, or the signal\'s reason', async () => {
    const closed = `http://127.0.0.1:${String(await freePort())}/json`;
    await expect(direct(closed, { redirect: 'manual' })).rejects.toMatchObject({ name: 'TypeError', message: 'fetch failed', cause: { code: 'ECONNREFUSED' } });
    await expect(fetch(closed, { redirect: 'manual' })).rejects.toMatchObject({ name: 'TypeError', message: 'fetch failed', cause: { code: 'ECONNREFUSED' } });
    // A response that never ends: the timeout's reason, as fetch reports it.
    await expect(direct(`${base}/hang`, { redirect: 'manual', signal: AbortSignal.timeout(200) })).rejects.toMatchObject({ name: 'TimeoutError' });
    const aborted = new AbortController();
    aborted.abort(new Error('stopped before sending'));
    received = undefined;
    await expect(direct(`${base}/json`, { redirect: 'manual', signal: aborted.signal })).rejects.toThrow('stopped before sending');
    expect(received).toBeUndefined();
  });

  it('leave no listener on the signal when the dispatcher refuses the request at once', async () => {
    const refusing = { dispatch: () => { throw new Error('invalid options'); } } as unknown as Agent;
    const signal = new AbortController().signal;
    const request = directRequest(`${base}/json`, { redirect: 'manual', signal });
    await expect(fetchDirect(refusing, request as NonNullable<typeof request>)).rejects.toMatchObject({ message: 'fetch failed', cause: { message: 'invalid options' } });
    expect(getEventListeners(signal, 'abort')).toHaveLength(0);
  });

  it('carry an openid-client refresh end to end', async () => {
    const configuration = new client.Configuration({ issuer: base, token_endpoint: `${base}/token` }, 'client', 'secret', client.ClientSecretPost('secret'));
    // eslint-disable-next-line @typescript-eslint/no-deprecated
    client.allowInsecureRequests(configuration);
    let directCalls = 0;
    configuration[client.customFetch] = (url, init) => {
      const request = directRequest(url, init);
      if (request !== undefined) directCalls++;
      return request === undefined ? fetch(url, init) : fetchDirect(agent, request);
    };
    const tokens = await client.refreshTokenGrant(configuration, 'rt-1');
    expect(directCalls).toBe(1);
    expect(tokens).toMatchObject({ access_token: 'at-1', refresh_token: 'rt-2', token_type: 'bearer' });
    expect(received?.body).toContain('refresh_token=rt-1');
  });
});
