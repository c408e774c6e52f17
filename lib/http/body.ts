import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type { z } from 'zod';
import { HttpProblem } from './problem.ts';

/** Largest JSON body any route accepts. */
export const MAX_JSON_BODY_BYTES = 64 * 1024;

/** The raw body bytes, decoded from base64 when API Gateway encoded them. */
export function rawBody(event: Pick<APIGatewayProxyEventV2, 'body' | 'isBase64Encoded'>): Buffer {
  if (event.body === undefined) return Buffer.alloc(0);
  return event.isBase64Encoded ? Buffer.from(event.body, 'base64') : Buffer.from(event.body, 'utf8');
}

/**
 * Parses the JSON body: 413 over 64 KiB, 400 naming the position when malformed, and with a
 * schema 400 VALIDATION_FAILED listing each field in error.
 */
export function readJson(event: APIGatewayProxyEventV2): unknown;
export function readJson<S extends z.ZodType>(event: APIGatewayProxyEventV2, schema: S): z.output<S>;
export function readJson(event: APIGatewayProxyEventV2, schema?: z.ZodType): unknown {
  const bytes = rawBody(event);
  if (bytes.length > MAX_JSON_BODY_BYTES) {
    throw new HttpProblem(413, 'BODY_TOO_LARGE', `The request body is ${bytes.length} bytes; at most ${MAX_JSON_BODY_BYTES} are accepted.`, {
      limit: MAX_JSON_BODY_BYTES,
    });
  }
  if (bytes.length === 0) throw new HttpProblem(400, 'MISSING_BODY', 'This request needs a JSON body.');
  let value: unknown;
  try {
    value = JSON.parse(bytes.toString('utf8'));
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const position = /position (\d+)/.exec(message)?.[1];
    throw new HttpProblem(
      400,
      'MALFORMED_JSON',
      position === undefined ? `The body is not valid JSON: ${message}.` : `The body is not valid JSON: ${message} (at byte ${position}).`,
      position === undefined ? {} : { position: Number(position) },
    );
  }
  if (schema === undefined) return value;
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const errors = parsed.error.issues.map((issue) => ({ field: issue.path.join('.') || '(body)', message: issue.message }));
    const first = errors[0];
    throw new HttpProblem(
      400,
      'VALIDATION_FAILED',
      first === undefined ? 'The body is not valid.' : `The body is not valid: ${first.field}: ${first.message}.`,
      { errors },
    );
  }
  return parsed.data;
}
