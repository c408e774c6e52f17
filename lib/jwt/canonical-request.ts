import { canonicalRawQuery } from './query.ts';

/**
 * Atlassian Connect's canonical request, `METHOD&PATH&QUERY`, exactly as Jira's signer builds
 * it. The path is the raw, still-encoded request path: it is never decoded or normalised, so
 * `/~u` and `/%7Eu` differ, which is precisely what a re-encoding proxy breaks.
 */

/** A request as it reached Trustline: `url` is the raw path plus optional `?query` (or an absolute URL). */
export interface RequestTarget {
  readonly method: string;
  readonly url: string;
}

/** The raw path and raw query of a request URL, split without any decoding. */
export interface RawUrl {
  readonly path: string;
  readonly query: string;
}

const SCHEME = /^[A-Za-z][A-Za-z0-9+.-]*:\/\//;

/** Splits `path?query#fragment` (or `scheme://authority/path?query`) without decoding anything. */
export function splitRawUrl(url: string): RawUrl {
  let rest = url;
  // A request target is nearly always origin-form (`/path?query`): nothing to look for.
  const scheme = url.startsWith('/') ? null : SCHEME.exec(rest);
  if (scheme !== null) {
    const afterAuthority = rest.slice(scheme[0].length).search(/[/?#]/);
    rest = afterAuthority === -1 ? '' : rest.slice(scheme[0].length + afterAuthority);
  }
  const hash = rest.indexOf('#');
  if (hash !== -1) rest = rest.slice(0, hash);
  const question = rest.indexOf('?');
  return question === -1 ? { path: rest, query: '' } : { path: rest.slice(0, question), query: rest.slice(question + 1) };
}

let lastBaseUrl = '';
let lastBasePath = '';

/** The path part of the app's base URL (`https://x.example/app` → `/app`), removed from request paths. */
export function basePathOf(baseUrl: string | undefined): string {
  if (baseUrl === undefined || baseUrl === '') return '';
  // A verifier passes its one base URL with every request: remember the last one.
  if (baseUrl !== lastBaseUrl) {
    lastBasePath = splitRawUrl(baseUrl).path;
    lastBaseUrl = baseUrl;
  }
  return lastBasePath;
}

/** The canonical method: upper-cased. */
export function canonicalMethod(method: string): string {
  return method.toUpperCase();
}

/**
 * The canonical path: the base path removed as a plain string prefix (no segment check, as
 * both signers do), `/` when empty, every `&` written `%26`, a leading `/`, one trailing `/` dropped.
 */
export function canonicalPath(rawPath: string, basePath = ''): string {
  let path = basePath !== '' && rawPath.startsWith(basePath) ? rawPath.slice(basePath.length) : rawPath;
  if (path === '') return '/';
  if (path.includes('&')) path = path.replaceAll('&', '%26');
  if (!path.startsWith('/')) path = `/${path}`;
  if (path.length > 1 && path.endsWith('/')) path = path.slice(0, -1);
  return path;
}

/**
 * The canonical request string that the qsh claim hashes.
 *
 * @example canonicalRequest({ method: 'get', url: '/test?param=value' }) // 'GET&/test&param=value'
 */
export function canonicalRequest(request: RequestTarget, baseUrl?: string): string {
  const { path, query } = splitRawUrl(request.url);
  return `${canonicalMethod(request.method)}&${canonicalPath(path, basePathOf(baseUrl))}&${canonicalRawQuery(query)}`;
}
