import type { ServerResponse } from 'node:http';
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { type HttpProblem, problemResult } from '../../lib/http/index.ts';

/** Headers the server computes itself; a handler's values for them are ignored, as API Gateway does. */
const MANAGED = new Set(['content-length', 'transfer-encoding', 'connection', 'keep-alive']);

/**
 * Interprets a handler's return value the way API Gateway reads payload 2.0: a result with a
 * `statusCode` is used as given (`cookies` become set-cookie headers, base64 bodies are
 * decoded); anything else is a 200 JSON body. Undefined when the result is unusable.
 */
export function readResult(result: unknown): { status: number; headers: Record<string, string | string[]>; body: Buffer } | undefined {
  if (typeof result === 'object' && result !== null && 'statusCode' in result) {
    const r = result as APIGatewayProxyStructuredResultV2;
    const status = r.statusCode;
    if (status === undefined || !Number.isInteger(status) || status < 100 || status > 599) return undefined;
    const headers: Record<string, string | string[]> = {};
    for (const [name, value] of Object.entries(r.headers ?? {})) {
      if (!MANAGED.has(name.toLowerCase())) headers[name.toLowerCase()] = String(value);
    }
    if (r.cookies !== undefined && r.cookies.length > 0) headers['set-cookie'] = [...r.cookies];
    const text = r.body ?? '';
    return { status, headers, body: r.isBase64Encoded === true ? Buffer.from(text, 'base64') : Buffer.from(text, 'utf8') };
  }
  if (result === undefined) return undefined;
  const body = typeof result === 'string' ? result : JSON.stringify(result);
  return { status: 200, headers: { 'content-type': 'application/json' }, body: Buffer.from(body, 'utf8') };
}

/** Writes a result; `close` asks the client to drop the connection (after a refused body). */
export function send(res: ServerResponse, result: { status: number; headers: Record<string, string | string[]>; body: Buffer }, close = false): void {
  res.statusCode = result.status;
  for (const [name, value] of Object.entries(result.headers)) res.setHeader(name, value);
  res.setHeader('content-length', result.body.length);
  if (close) res.setHeader('connection', 'close');
  res.end(result.body);
}

/** Writes an RFC 9457 problem (the same shape handlers answer with). */
export function sendProblem(res: ServerResponse, problem: HttpProblem, headers: Record<string, string> = {}, close = false): void {
  const result = problemResult(problem, headers);
  send(res, { status: result.statusCode ?? 500, headers: (result.headers ?? {}) as Record<string, string>, body: Buffer.from(result.body ?? '') }, close);
}
