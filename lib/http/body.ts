import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { safeParse, type $ZodType, type output } from 'zod/v4/core';
import { locateJsonError } from './json-error.ts';
import { HttpProblem } from './problem.ts';

/** Largest JSON body any route accepts. */
export const MAX_JSON_BODY_BYTES = 64 * 1024;

type BodyEvent = Pick<APIGatewayProxyEventV2, 'body' | 'isBase64Encoded'>;

/** The raw body bytes, decoded from base64 when API Gateway encoded them. */
export function rawBody(event: BodyEvent): Buffer {
  if (event.body === undefined) return Buffer.alloc(0);
  return event.isBase64Encoded ? Buffer.from(event.body, 'base64') : Buffer.from(event.body, 'utf8');
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Parses the JSON body: 413 BODY_TOO_LARGE over 64 KiB (checked before decoding), 400
 * MALFORMED_JSON naming the line, column and position, and with a schema 400
 * VALIDATION_FAILED listing each field in error. Details never quote the body.
 *
 * @example const input = readJson(event, z.object({ pem: z.string() }));
 */
export function readJson(event: BodyEvent): unknown;
export function readJson<S extends $ZodType>(event: BodyEvent, schema: S): output<S>;
export function readJson(event: BodyEvent, schema?: $ZodType): unknown {
  const text = bodyText(event);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    const at = locateJsonError(text, error instanceof Error ? error.message : '');
    throw new HttpProblem(
      400,
      'MALFORMED_JSON',
      `The body is not valid JSON: ${at.reason} at line ${at.line}, column ${at.column} (position ${at.position}).`,
      { position: at.position, line: at.line, column: at.column },
    );
  }
  return schema === undefined ? value : validate(value, schema);
}

function bodyText(event: BodyEvent): string {
  const body = event.body ?? '';
  // Upper bound of the decoded size, so an oversized body is refused before it is decoded.
  const size = event.isBase64Encoded
    ? Math.floor((body.length * 3) / 4) - (body.endsWith('==') ? 2 : body.endsWith('=') ? 1 : 0)
    : Buffer.byteLength(body, 'utf8');
  if (size > MAX_JSON_BODY_BYTES) {
    throw new HttpProblem(413, 'BODY_TOO_LARGE', `The request body is ${size} bytes; at most ${MAX_JSON_BODY_BYTES} are accepted.`, {
      limit: MAX_JSON_BODY_BYTES,
    });
  }
  const bytes = rawBody(event);
  if (bytes.length === 0) throw new HttpProblem(400, 'MISSING_BODY', 'This request needs a JSON body.');
  try {
    return utf8.decode(bytes);
  } catch (error) {
    throw new HttpProblem(400, 'MALFORMED_JSON', 'The body is not valid JSON: it is not UTF-8 text.', {}, { cause: error });
  }
}

// Through zod's core rather than a schema's own method, so both zod and zod/mini schemas are accepted.
function validate<S extends $ZodType>(value: unknown, schema: S): output<S> {
  const parsed = safeParse(schema, value);
  if (parsed.success) return parsed.data;
  const errors = parsed.error.issues.map((issue) => ({ field: issue.path.map(String).join('.') || '(body)', message: issue.message }));
  const first = errors[0];
  throw new HttpProblem(400, 'VALIDATION_FAILED', first === undefined ? 'The body is not valid.' : `The body is not valid: ${first.field}: ${first.message}.`, {
    errors,
  });
}
