import { afterEach } from 'vitest';
import { checkEndpoint, type CheckOptions } from '../../lib/tls/check.ts';
import type { Protocol } from '../../lib/tls/protocols.ts';
import { createTrustContext, fixedTrustStore } from '../../lib/trust/index.ts';
import { tlsServer, type Running } from '../support/tls/servers.ts';

const running: Running[] = [];

/** Registers a peer for teardown after the current test. */
export function track<T extends Running>(server: T): T {
  running.push(server);
  return server;
}

afterEach(async () => {
  await Promise.all(running.splice(0).map((server) => server.close()));
});

/** A loopback implicit-TLS server presenting `pems` (leaf first). */
export async function serve(keyPem: string, ...pems: string[]): Promise<number> {
  return track(await tlsServer(keyPem, pems.join(''))).port;
}

/** checkEndpoint against 127.0.0.1 with SNI `localhost`, trusting Node's roots plus `anchors`. */
export function check(port: number, anchors: string[] = [], options: Partial<CheckOptions> & { protocol?: Protocol; servername?: string } = {}) {
  const { protocol = 'https', servername = 'localhost', ...rest } = options;
  // The AIA, OCSP and CRL peers of these tests listen on loopback, which certificate-driven fetches reach only with the development flag.
  return checkEndpoint(
    { host: '127.0.0.1', port, protocol, servername },
    { trust: createTrustContext(fixedTrustStore(anchors.join('')), { outbound: { allowLoopback: true } }), timeoutMs: 5000, ...rest },
  );
}
