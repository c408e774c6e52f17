import type { QueryParam } from '../query.ts';

/** The request as Trustline received it, split into the parts a proxy may have changed. */
export interface ReceivedRequest {
  readonly method: string;
  /** Raw, still-encoded path, base path included. */
  readonly path: string;
  /** Path of the configured base URL ('' when none). */
  readonly basePath: string;
  readonly params: readonly QueryParam[];
}

/** A guess at the request Jira signed, with the words that explain it should its qsh match. */
export interface Candidate {
  readonly method: string;
  readonly path: string;
  readonly basePath: string;
  readonly params: readonly QueryParam[];
  /** `family/variant`, reported as `matchedTransformation`. */
  readonly transformation: string;
  readonly explanation: string;
  readonly fix: string;
}

/** One family of proxy transformations: proposes originals that the transformation would turn into `received`. */
export interface TransformationFamily {
  readonly id: string;
  /** Most candidates this family may propose; the whole diagnosis stays within a few hundred hashes. */
  readonly budget: number;
  candidates(received: ReceivedRequest): Iterable<Candidate>;
}

/** `%XX` escapes in a raw path. */
export const ESCAPE = /%[0-9A-Fa-f]{2}/g;

/** Upper-case percent-escape of one ASCII character. */
export function escapeChar(char: string): string {
  return `%${char.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`;
}

/** The path with every occurrence of the given characters percent-encoded (upper-case hex). */
export function encodeChars(path: string, chars: ReadonlySet<string>): string {
  let out = '';
  for (const char of path) out += chars.has(char) ? escapeChar(char) : char;
  return out;
}

/** Subsets of `items`, the whole set first, then single items, then the rest by size; at most `limit`. */
export function* subsetsWholeFirst<T>(items: readonly T[], limit: number): Generator<T[]> {
  if (items.length === 0 || limit <= 0) return;
  let produced = 0;
  const emit = function* (subset: T[]): Generator<T[]> {
    if (produced < limit) {
      produced += 1;
      yield subset;
    }
  };
  yield* emit([...items]);
  if (items.length === 1) return;
  for (const item of items) yield* emit([item]);
  // Middle sizes, smallest first; bounded by `limit`, so large sets never enumerate 2^n.
  for (let size = 2; size < items.length && produced < limit; size++) {
    for (const combination of combinations(items, size)) {
      if (produced >= limit) return;
      yield* emit(combination);
    }
  }
}

function* combinations<T>(items: readonly T[], size: number, start = 0): Generator<T[]> {
  if (size === 0) {
    yield [];
    return;
  }
  for (let i = start; i <= items.length - size; i++) {
    for (const rest of combinations(items, size - 1, i + 1)) yield [items[i] as T, ...rest];
  }
}

/** Shortens a path for a sentence, keeping its end, where the changed file names usually are. */
export function shown(path: string): string {
  return path.length <= 120 ? path : `…${path.slice(-117)}`;
}
