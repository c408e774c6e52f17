import net from 'node:net';
import { expect, it } from 'vitest';
import { freePorts } from './ports.ts';

it('hands out distinct loopback ports that are free to listen on', async () => {
  for (let round = 0; round < 20; round++) {
    const ports = await freePorts(4);
    expect(new Set(ports).size).toBe(4);
    const servers = ports.map(() => net.createServer());
    // Every one of them can be taken at once, as a peer with four listeners does.
    await Promise.all(servers.map((server, i) => new Promise<void>((resolve, reject) => server.once('error', reject).listen(ports[i], '127.0.0.1', resolve))));
    await Promise.all(
      servers.map(
        (server) =>
          new Promise<void>((resolve) =>
            server.close(() => {
              resolve();
            }),
          ),
      ),
    );
  }
});
