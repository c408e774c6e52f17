import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A server of aws-local listening on 127.0.0.1. */
export interface LoopbackServer {
  /** `http://127.0.0.1:PORT` */
  readonly endpoint: string;
  /** Stops listening and ends every connection, kept-alive ones included (an SDK client keeps its sockets open). */
  readonly close: () => Promise<void>;
}

/** Starts `server` on 127.0.0.1, on a port the system picks. */
export async function listenOnLoopback(server: Server): Promise<LoopbackServer> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => {
          resolve();
        });
        server.closeAllConnections();
      }),
  };
}
