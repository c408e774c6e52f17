import { parseRawQuery } from './query.ts';

/**
 * Where Connect puts its token: an `Authorization: JWT <token>` header (requests from the
 * app's iframe or Jira's server) or a `jwt` query parameter (iframe page loads).
 */
export function tokenFromRequest(headers: Readonly<Record<string, string | undefined>>, rawQuery: string): string | undefined {
  const authorization = headerValue(headers, 'authorization');
  if (authorization !== undefined) {
    const match = /^JWT\s+(\S+)\s*$/i.exec(authorization);
    if (match?.[1] !== undefined) return match[1];
  }
  if (rawQuery === '') return undefined;
  return parseRawQuery(rawQuery).find((param) => param.name === 'jwt')?.value;
}

/** A header by name, whatever its case (API Gateway lower-cases; other sources may not). */
export function headerValue(headers: Readonly<Record<string, string | undefined>>, name: string): string | undefined {
  const direct = headers[name];
  if (direct !== undefined) return direct;
  for (const [key, value] of Object.entries(headers)) if (key.toLowerCase() === name) return value;
  return undefined;
}
