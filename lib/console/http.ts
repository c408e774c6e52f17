import type { IncomingMessage, ServerResponse } from 'node:http';
import { HttpProblem, problemResult, toProblem } from '../http/index.ts';

/** Every answer: no framing, no sniffing, no referrer, scripts and styles only from the console itself. */
const SECURITY_HEADERS = {
  'content-security-policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
} as const;

/** Largest request body the console reads: PEMs and tokens fit well within it. */
export const MAX_BODY_BYTES = 128 * 1024;

export function send(res: ServerResponse, status: number, contentType: string | undefined, body: string | Buffer, headers: Record<string, string> = {}): void {
  res.writeHead(status, {
    ...SECURITY_HEADERS,
    'cache-control': 'no-store',
    ...(contentType === undefined ? {} : { 'content-type': contentType }),
    ...headers,
  });
  res.end(body);
}

export function sendJson(res: ServerResponse, status: number, document: unknown): void {
  send(res, status, 'application/json; charset=utf-8', JSON.stringify(document));
}

/** An error as a problem+json answer, mapped as the API maps it (lib/http's toProblem). */
export function sendProblem(res: ServerResponse, error: unknown): void {
  const { statusCode = 500, headers = {}, body = '' } = problemResult(toProblem(error));
  send(res, statusCode, undefined, body, Object.fromEntries(Object.entries(headers).map(([name, value]) => [name, String(value)])));
}

/** The request body, at most MAX_BODY_BYTES; a body must be JSON. Undefined when there is none. */
export async function readJsonBody(req: IncomingMessage): Promise<Buffer | undefined> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > MAX_BODY_BYTES) throw bodyTooLarge();
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw bodyTooLarge();
    chunks.push(chunk);
  }
  if (size === 0) return undefined;
  if (!/^application\/json\b/i.test(req.headers['content-type'] ?? ''))
    throw new HttpProblem(415, 'UNSUPPORTED_MEDIA_TYPE', 'A request body must be application/json.');
  return Buffer.concat(chunks, size);
}

const bodyTooLarge = () => new HttpProblem(413, 'BODY_TOO_LARGE', `The request body is over ${MAX_BODY_BYTES} bytes.`, { limit: MAX_BODY_BYTES });

/** One cookie's value from the Cookie header. */
export function cookie(req: IncomingMessage, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq !== -1 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}
