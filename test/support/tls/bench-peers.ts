// Child process of test/bench/tls.bench.ts: N loopback TLS servers, each with its own leaf under
// one generated root → intermediate (as real endpoints share CAs but not leaves), so the peers'
// handshake work runs outside the measuring process's event loop.
import type { AddressInfo } from 'node:net';
import tls from 'node:tls';
import { chain, issue } from './pki.ts';

const count = Number(process.argv[2] ?? '500');
const { root, intermediate } = await chain();
const ports: number[] = [];
for (let i = 0; i < count; i++) {
  const leaf = await issue(intermediate, { cn: `peer-${String(i)}.localhost`, dns: ['localhost'] });
  const server = tls.createServer({ key: leaf.keyPem, cert: leaf.pem + intermediate.pem }, (socket) => {
    socket.on('error', () => undefined);
    socket.end();
  });
  server.on('tlsClientError', () => undefined);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  ports.push((server.address() as AddressInfo).port);
}
process.send?.({ ports, rootPem: root.pem });
// The parent kills this process when it is done; never outlive it.
process.on('disconnect', () => process.exit(0));
