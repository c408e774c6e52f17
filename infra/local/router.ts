import type { FunctionSpec, HttpRoute } from '../../functions/manifest.ts';
import { DuplicateRouteError } from './errors.ts';

export interface RouteEntry {
  readonly fn: FunctionSpec;
  readonly route: HttpRoute;
}

export type RouteMatch =
  | { readonly kind: 'found'; readonly entry: RouteEntry; readonly routeKey: string; readonly pathParameters: Record<string, string> | undefined }
  | { readonly kind: 'method-not-allowed'; readonly allow: readonly string[] }
  | { readonly kind: 'not-found' };

type Segment = { readonly kind: 'literal'; readonly text: string } | { readonly kind: 'param' | 'greedy'; readonly name: string };

interface CompiledRoute {
  readonly entry: RouteEntry;
  readonly segments: readonly Segment[];
  /** Per segment 0 literal, 1 {param}, 2 {greedy+}: API Gateway prefers the most specific route. */
  readonly rank: readonly number[];
}

/**
 * Matches requests to manifest routes the way API Gateway HTTP APIs do: `{name}` is one
 * non-empty segment, `{name+}` the non-empty rest of the path, literals match the raw segment
 * exactly, and of several matching routes the most specific wins. Path parameters are
 * percent-decoded (a malformed escape is passed on undecoded).
 */
export function createRouter(entries: readonly RouteEntry[]): (method: string, rawPath: string) => RouteMatch {
  const compiled = entries.map(compile);
  const seen = new Map<string, string>();
  for (const { entry } of compiled) {
    const key = `${entry.route.method} ${entry.route.path}`;
    const owner = seen.get(key);
    if (owner !== undefined) throw new DuplicateRouteError(key, owner, entry.fn.name);
    seen.set(key, entry.fn.name);
  }
  return (method, rawPath) => {
    const segments = rawPath.replace(/^\//, '').split('/');
    const matches = compiled
      .map((route) => ({ route, params: matchSegments(route.segments, segments) }))
      .filter((m): m is { route: CompiledRoute; params: Record<string, string> } => m.params !== undefined);
    if (matches.length === 0) return { kind: 'not-found' };
    const forMethod = matches.filter((m) => m.route.entry.route.method === method).sort((a, b) => compareRank(a.route.rank, b.route.rank));
    const best = forMethod[0];
    if (best === undefined) return { kind: 'method-not-allowed', allow: [...new Set(matches.map((m) => m.route.entry.route.method))].sort() };
    const { entry } = best.route;
    return {
      kind: 'found',
      entry,
      routeKey: `${entry.route.method} ${entry.route.path}`,
      pathParameters: Object.keys(best.params).length === 0 ? undefined : best.params,
    };
  };
}

function compile(entry: RouteEntry): CompiledRoute {
  const segments = entry.route.path
    .replace(/^\//, '')
    .split('/')
    .map((text): Segment => {
      const param = /^\{(?<name>[A-Za-z0-9_]+)(?<greedy>\+?)\}$/.exec(text)?.groups;
      if (param?.name === undefined) return { kind: 'literal', text };
      return { kind: param.greedy === '+' ? 'greedy' : 'param', name: param.name };
    });
  return { entry, segments, rank: segments.map((s) => (s.kind === 'literal' ? 0 : s.kind === 'param' ? 1 : 2)) };
}

function matchSegments(pattern: readonly Segment[], actual: readonly string[]): Record<string, string> | undefined {
  const params: Record<string, string> = {};
  for (const [i, segment] of pattern.entries()) {
    if (segment.kind === 'greedy') {
      const rest = actual.slice(i).join('/');
      if (rest === '') return undefined;
      params[segment.name] = decode(rest);
      return params;
    }
    const text = actual[i];
    if (text === undefined) return undefined;
    if (segment.kind === 'literal') {
      if (text !== segment.text) return undefined;
    } else {
      if (text === '') return undefined;
      params[segment.name] = decode(text);
    }
  }
  return actual.length === pattern.length ? params : undefined;
}

function compareRank(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const diff = (a[i] ?? -1) - (b[i] ?? -1);
    if (diff !== 0) return diff;
  }
  return 0;
}

function decode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
