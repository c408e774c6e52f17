import net from 'node:net';
import tls from 'node:tls';
import { describe, expect, it } from 'vitest';
import { listen, closedPort } from '../support/tls/servers.ts';
import { selfSigned } from '../support/tls/pki.ts';
import { check, track } from './helpers.ts';

/** A server that accepts, reads and never answers; `gone` resolves when the client's socket goes away. */
async function silent() {
  let closed!: () => void;
  const gone = new Promise<void>((resolve) => {
    closed = resolve;
  });
  const server = track(await listen(net.createServer((socket) => socket.resume().on('close', closed))));
  return { port: server.port, gone };
}

describe('one deadline per target', () => {
  it('reports timeout during the handshake for a port that never answers, and closes the socket', async () => {
    const peer = await silent();
    const report = await check(peer.port, [], { timeoutMs: 300 });
    expect(report).toMatchObject({ verdict: 'timeout', trusted: false, error: { code: 'TIMEOUT' } });
    expect(report.message).toContain('during the TLS handshake');
    await peer.gone;
  });

  it('names the greeting as the stage when a STARTTLS server never greets', async () => {
    const peer = await silent();
    const report = await check(peer.port, [], { timeoutMs: 300, protocol: 'smtp-starttls' });
    expect(report.verdict).toBe('timeout');
    expect(report.message).toContain('while waiting for the server to greet');
    await peer.gone;
  });

  it('reports connect-failed when nothing listens', async () => {
    const report = await check(await closedPort(), []);
    expect(report).toMatchObject({ verdict: 'connect-failed', error: { code: 'CONNECT_FAILED' } });
    expect(report.message).toContain('the connection was refused');
  });
});

describe('server name indication', () => {
  async function sniRecorder() {
    const server = await selfSigned({ cn: 'localhost', dns: ['localhost'] });
    const seen: string[] = [];
    let connections = 0;
    const context = tls.createSecureContext({ key: server.keyPem, cert: server.pem });
    // SNICallback runs while the ClientHello is read, so it has run before the client's handshake completes.
    const tlsServer = tls.createServer({
      key: server.keyPem,
      cert: server.pem,
      SNICallback: (name, done) => {
        seen.push(name);
        done(null, context);
      },
    });
    tlsServer.on('connection', () => connections++);
    tlsServer.on('tlsClientError', () => undefined);
    return { port: track(await listen(tlsServer)).port, seen, connections: () => connections };
  }

  it('sends the server name', async () => {
    const peer = await sniRecorder();
    await check(peer.port, [], { servername: 'localhost' });
    expect(peer.seen).toEqual(['localhost']);
  });

  it('never sends an IP address as the server name', async () => {
    const peer = await sniRecorder();
    const report = await check(peer.port, [], { servername: '127.0.0.1' });
    expect(report.verdict).not.toBe('connect-failed');
    expect(peer.connections()).toBe(1);
    expect(peer.seen).toEqual([]);
  });
});
