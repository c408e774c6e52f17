import http from 'node:http';
import net from 'node:net';
import tls from 'node:tls';

/** Closes a server and every socket still open on it (bounded test teardown). */
export interface Running {
  readonly port: number;
  close(): Promise<void>;
}

function tracked(server: net.Server): Running {
  const sockets = new Set<net.Socket>();
  server.on('connection', (socket: net.Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
  });
  return {
    get port() {
      return (server.address() as net.AddressInfo).port;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => {
          resolve();
        });
      }),
  };
}

/** Listens on a free loopback port; close() also destroys every open socket. */
export async function listen(server: net.Server): Promise<Running> {
  const running = tracked(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return running;
}

/** An implicit-TLS server presenting `certChainPem` (leaf first) that answers one line and closes. */
export function tlsServer(keyPem: string, certChainPem: string): Promise<Running> {
  const server = tls.createServer({ key: keyPem, cert: certChainPem }, (socket) => {
    socket.on('error', () => undefined);
    socket.end('hello\r\n');
  });
  server.on('tlsClientError', () => undefined);
  return listen(server);
}

/** An HTTPS server answering 200 "trusted" to every request. */
export function httpsServer(keyPem: string, certChainPem: string): Promise<Running> {
  const server = tls.createServer({ key: keyPem, cert: certChainPem }, (socket) => {
    socket.on('error', () => undefined);
    socket.on('data', () => {
      socket.end('HTTP/1.1 200 OK\r\ncontent-length: 7\r\nconnection: close\r\n\r\ntrusted');
    });
  });
  server.on('tlsClientError', () => undefined);
  return listen(server);
}

/** A plain-HTTP server serving `body` (DER) at every path; counts requests. */
export async function httpFileServer(body: Uint8Array): Promise<Running & { url: (path: string) => string; hits: () => number }> {
  let hits = 0;
  const server = http.createServer((_req, res) => {
    hits++;
    res.writeHead(200, { 'content-type': 'application/pkix-cert' }).end(body);
  });
  const running = await listen(server);
  return Object.assign(running, {
    url: (path: string) => `http://127.0.0.1:${String(running.port)}${path}`,
    hits: () => hits,
  });
}

/** Accepts connections and never says a word (a hanging peer). */
export function silentServer(): Promise<Running> {
  return listen(net.createServer(() => undefined));
}

/** A free port with nobody listening (connection refused). */
export async function closedPort(): Promise<number> {
  const running = await listen(net.createServer());
  const { port } = running;
  await running.close();
  return port;
}
