import { request } from 'node:http';

export interface RawResponse {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: Buffer;
  /** The body parsed as JSON. */
  json(): unknown;
}

/**
 * One HTTP/1.1 request with the path sent byte for byte (no URL normalisation, unlike fetch),
 * on a fresh connection.
 *
 * @example await rawHttp(rt.url, { method: 'GET', path: '/a%2Fb/../c?x=1&x=2' })
 */
export function rawHttp(
  baseUrl: string,
  options: { method?: string; path: string; headers?: Record<string, string | string[]>; body?: string | Buffer; chunks?: readonly Buffer[] },
): Promise<RawResponse> {
  const { hostname, port } = new URL(baseUrl);
  const headers = { ...options.headers };
  // Node's client frames a body only for methods it expects one on: a DELETE or OPTIONS body would go
  // out without Content-Length, as stray bytes after a bodiless request, which the server rightly resets.
  if (!Object.keys(headers).some((name) => /^(content-length|transfer-encoding)$/i.test(name))) {
    if (options.body !== undefined) headers['content-length'] = String(Buffer.byteLength(options.body));
    else if (options.chunks !== undefined) headers['transfer-encoding'] = 'chunked';
  }
  return new Promise((resolve, reject) => {
    const req = request({ host: hostname, port, method: options.method ?? 'GET', path: options.path, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const body = Buffer.concat(chunks);
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body, json: () => JSON.parse(body.toString('utf8')) as unknown });
      });
      res.on('error', reject);
    });
    // A server refusing a large body may close before we finish writing: the response counts.
    req.on('error', reject);
    if (options.chunks !== undefined) {
      for (const chunk of options.chunks) req.write(chunk);
      req.end();
    } else req.end(options.body);
  });
}
