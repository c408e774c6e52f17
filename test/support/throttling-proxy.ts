import { createServer, request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { closeServer } from './close-server.ts';

/** A loopback proxy in front of a DynamoDB peer that can answer requests with throttling errors. */
export interface ThrottlingProxy {
  readonly endpoint: string;
  /** Requests received, throttled or forwarded. */
  readonly requestCount: () => number;
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
  const server = createServer((incoming, outgoing) => {
    count += 1;
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
    throttleNext(n) {
      throttled = n;
    },
    close: () => closeServer(server),
  };
}
