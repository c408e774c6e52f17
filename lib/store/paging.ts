import { safeParse, type $ZodType } from 'zod/v4/core';
import { InvalidPageRequestError } from './errors.ts';

/** An opaque cursor: base64url JSON of the position after the last item returned. */
export function encodeCursor(position: unknown): string {
  return Buffer.from(JSON.stringify(position), 'utf8').toString('base64url');
}

/**
 * The position inside a cursor this store issued; InvalidPageRequestError for anything else. Parsed
 * through zod's core, so a store may describe its cursors with zod or zod/mini schemas.
 */
export function decodeCursor<T>(cursor: string, schema: $ZodType<T>): T {
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw new InvalidPageRequestError('the cursor was not issued by this store');
  }
  const parsed = safeParse(schema, json);
  if (!parsed.success) throw new InvalidPageRequestError('the cursor was not issued by this store');
  return parsed.data;
}

/** Validates an optional page size. */
export function checkLimit(limit: number | undefined): void {
  if (limit !== undefined && (!Number.isInteger(limit) || limit < 1)) {
    throw new InvalidPageRequestError(`the limit must be a positive integer, not ${String(limit)}`);
  }
}

/** The first `limit` items and, when more remain, a cursor at the last one returned. */
export function pageOf<I>(items: readonly I[], limit: number | undefined, position: (last: I) => unknown): { items: I[]; cursor?: string } {
  if (limit === undefined || items.length <= limit) return { items: [...items] };
  const kept = items.slice(0, limit);
  return { items: kept, cursor: encodeCursor(position(kept[kept.length - 1] as I)) };
}

/**
 * Orders strings by their UTF-8 bytes, as DynamoDB orders string sort keys. UTF-16 code units
 * order the same way except where a surrogate (D800-DFFF) meets a unit at or above it, so only
 * then are the strings encoded and compared as bytes.
 */
export function compareUtf8(a: string, b: string): number {
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    if (x >= 0xd800 && y >= 0xd800) return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
    return x - y;
  }
  return a.length - b.length;
}
