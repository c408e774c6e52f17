import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect, it } from 'vitest';
import { closeServer } from './close-server.ts';
import { rawHttp } from './raw-http.ts';

/** Sends one request to a bare server that answers how the body was framed and how much of it it read. */
async function framing(options: Omit<Parameters<typeof rawHttp>[1], 'path'>): Promise<unknown> {
  const server = createServer((req, res) => {
    let size = 0;
    req.on('data', (chunk: Buffer) => (size += chunk.length));
    req.on('end', () =>
      res.end(JSON.stringify({ length: req.headers['content-length'] ?? null, coding: req.headers['transfer-encoding'] ?? null, read: size })),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const { port } = server.address() as AddressInfo;
    return (await rawHttp(`http://127.0.0.1:${String(port)}`, { ...options, path: '/' })).json();
  } finally {
    await closeServer(server);
  }
}

it.each(['DELETE', 'OPTIONS', 'POST'])('frames a %s body with Content-Length, so the server reads it as the body', async (method) => {
  expect(await framing({ method, body: 'x'.repeat(70_000) })).toEqual({ length: '70000', coding: null, read: 70_000 });
});

it.each(['DELETE', 'POST'])('sends a %s body given in chunks with chunked coding', async (method) => {
  const chunks = [Buffer.alloc(40_000, 'x'), Buffer.alloc(30_000, 'y')];
  expect(await framing({ method, chunks })).toEqual({ length: null, coding: 'chunked', read: 70_000 });
});
