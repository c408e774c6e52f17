import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { checkEndpoint } from '../../lib/tls/check.ts';
import { createTrustContext, fixedTrustStore } from '../../lib/trust/index.ts';
import { listen } from '../support/tls/servers.ts';
import { track } from './helpers.ts';

/*
 * A certificate check connects where an administrator (or a scheduled run) points it: on Lambda,
 * 127.0.0.1:9001 is the runtime API, and link-local addresses answer with the instance's
 * credentials. The check goes through the outbound policy like every other connection.
 */

/** A loopback listener standing in for the Lambda runtime API; it only counts who connects. */
async function runtimeApi(): Promise<{ port: number; connections: () => number }> {
  let connections = 0;
  const server = track(
    await listen(
      net.createServer((socket) => {
        connections++;
        socket.destroy();
      }),
    ),
  );
  return { port: server.port, connections: () => connections };
}

const onLambda = (port: number) => createTrustContext(fixedTrustStore(), { outbound: { lambdaRuntimeApi: `127.0.0.1:${String(port)}` } });

describe('certificate checks under the outbound policy', () => {
  it.each(['127.0.0.1', 'localhost'])('refuses to check the Lambda runtime API at %s without connecting to it', async (host) => {
    const { port, connections } = await runtimeApi();
    const report = await checkEndpoint({ host, port, protocol: 'https' }, { trust: onLambda(port), timeoutMs: 5000, revocation: false });
    expect(report).toMatchObject({ verdict: 'connect-failed', trusted: false });
    expect(report.message).toContain("Trustline's outbound policy refuses it: it is the Lambda runtime API");
    expect(connections()).toBe(0);
  });

  it('still checks a loopback service that is not the runtime API', async () => {
    const { port, connections } = await runtimeApi();
    const elsewhere = port === 65535 ? port - 1 : port + 1;
    const report = await checkEndpoint({ host: '127.0.0.1', port, protocol: 'https' }, { trust: onLambda(elsewhere), timeoutMs: 5000, revocation: false });
    expect(connections()).toBe(1);
    expect(report.verdict).not.toBe('connect-failed');
  });
});
