import { createServer, request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { closeServer } from './close-server.ts';

/** One request the proxy received: its `X-Amz-Target` operation and its JSON body. */
export interface ProxiedRequest {
  readonly operation: string;
  readonly body: Record<string, unknown>;
}

/** A loopback proxy in front of a DynamoDB peer that can answer requests with throttling errors. */
export interface ThrottlingProxy {
  readonly endpoint: string;
  /** Requests received, throttled or forwarded. */
  readonly requestCount: () => number;
  /** Every request received so far, in order. */
  readonly requests: () => readonly ProxiedRequest[];
  /** Answers the next `count` requests with ProvisionedThroughputExceededException. */
  throttleNext(count: number): void;
  close(): Promise<void>;
}

const THROTTLED = JSON.stringify({
  __type: 'com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException',
  message: 'The level of configured provisioned throughput for the table was exceeded.',
});

/** Starts the proxy on 127.0.0.1, forwarding to `target` (e.g. dynalite's endpoint). */
export async function startThrottlingProxy(target: string): Promise<ThrottlingProxy> {
  const upstream = new URL(target);
  let throttled = 0;
  let count = 0;
  const received: ProxiedRequest[] = [];
  const server = createServer((incoming, outgoing) => {
    count += 1;
    const chunks: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
    incoming.on('end', () => {
      const target = String(incoming.headers['x-amz-target'] ?? '');
      received.push({
        operation: target.slice(target.indexOf('.') + 1),
        body: JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as Record<string, unknown>,
      });
    });
    if (throttled > 0) {
      throttled -= 1;
      incoming.resume();
      outgoing.writeHead(400, { 'content-type': 'application/x-amz-json-1.0', 'content-length': Buffer.byteLength(THROTTLED) });
      outgoing.end(THROTTLED);
      return;
    }
    const forwarded = httpRequest(
      { hostname: upstream.hostname, port: upstream.port, method: incoming.method, path: incoming.url, headers: incoming.headers },
      (response) => {
        outgoing.writeHead(response.statusCode ?? 502, response.headers);
        response.pipe(outgoing);
      },
    );
    forwarded.on('error', () => outgoing.destroy());
    incoming.pipe(forwarded);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requestCount: () => count,
    requests: () => received,
    throttleNext(n) {
      throttled = n;
    },
    close: () => closeServer(server),
  };
}
