import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createInstallKeyProvider } from '../../lib/jwt/install-keys.ts';
import { listen, type Running } from '../support/tls/servers.ts';
import { ManualClock } from '../support/manual-clock.ts';
import { installKeyPair } from './support/tokens.ts';

let server: Running;
const hits: string[] = [];
let publicPem: string;

beforeAll(async () => {
  publicPem = (await installKeyPair()).publicPem;
  server = await listen(
    http.createServer((req, res) => {
      hits.push(req.url ?? '');
      if (req.url === '/big') res.writeHead(200).end('x'.repeat(20_000));
      else if (req.url === '/not-a-key') res.writeHead(200).end('hello');
      else setTimeout(() => res.writeHead(200).end(publicPem), 20);
    }),
  );
});
afterAll(() => server.close());

const provider = () =>
  createInstallKeyProvider({ baseUrl: `http://127.0.0.1:${server.port}`, fetch: globalThis.fetch, clock: new ManualClock(), allowLoopbackHttp: true });

describe('install key provider', () => {
  it('shares one fetch between concurrent requests for the same kid', async () => {
    hits.length = 0;
    const keys = provider();
    await Promise.all([keys.getKey('shared'), keys.getKey('shared'), keys.getKey('shared')]);
    expect(hits).toEqual(['/shared']);
  });

  it('refuses a kid that would climb out of the key server path', async () => {
    await expect(provider().getKey('../admin')).rejects.toMatchObject({ code: 'MALFORMED' });
  });

  it('refuses a missing kid', async () => {
    await expect(provider().getKey(undefined)).rejects.toMatchObject({ code: 'MALFORMED' });
  });

  it('refuses an answer larger than a public key can be', async () => {
    await expect(provider().getKey('big')).rejects.toMatchObject({ code: 'KEY_UNAVAILABLE' });
  });

  it('refuses an answer that is not a public key', async () => {
    await expect(provider().getKey('not-a-key')).rejects.toMatchObject({ code: 'KEY_UNAVAILABLE', retryable: false });
  });

  it('requires an https key server', () => {
    expect(() => createInstallKeyProvider({ baseUrl: 'http://keys.example.com', fetch: globalThis.fetch })).toThrow(/https/);
  });

  it('allows plain http only on loopback and only when asked', () => {
    expect(() => createInstallKeyProvider({ baseUrl: `http://127.0.0.1:${server.port}`, fetch: globalThis.fetch })).toThrow(/loopback/);
  });
});
