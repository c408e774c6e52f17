import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect, it } from 'vitest';
import { closeServer } from './close-server.ts';
import { rawHttp } from './raw-http.ts';

it.each(['DELETE', 'OPTIONS', 'POST'])('frames a %s body with Content-Length, so the server reads it as the body', async (method) => {
  const server = createServer((req, res) => {
    let size = 0;
    req.on('data', (chunk: Buffer) => (size += chunk.length));
    req.on('end', () => res.end(JSON.stringify({ declared: req.headers['content-length'] ?? null, read: size })));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const { port } = server.address() as AddressInfo;
    const res = await rawHttp(`http://127.0.0.1:${String(port)}`, { method, path: '/', body: 'x'.repeat(70_000) });
    expect(res.json()).toEqual({ declared: '70000', read: 70_000 });
  } finally {
    await closeServer(server);
  }
});
