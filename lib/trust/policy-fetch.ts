import type { Dispatcher, fetch as undiciFetch } from 'undici';
import { OutboundRefusedError, ResponseTooLargeError } from './errors.ts';
import { MAX_REDIRECTS } from './outbound-policy.ts';

type FetchInput = Parameters<typeof globalThis.fetch>[0];
type FetchInit = Parameters<typeof globalThis.fetch>[1];
type UndiciFetch = typeof undiciFetch;

const REDIRECT_STATUS = new Set([301, 302, 303, 307, 308]);
/** Statuses whose response has no body (fetch's "null body status"). */
const NULL_BODY_STATUS = new Set([101, 103, 204, 205, 304]);
/** Headers that must not follow a redirect to another origin. */
const ORIGIN_BOUND_HEADERS = ['authorization', 'cookie', 'proxy-authorization'];

export interface PolicyFetchOptions {
  /** undici's fetch (loaded lazily by the caller). */
  readonly fetch: () => Promise<UndiciFetch>;
  /** The dispatcher whose connector applies the outbound policy. */
  readonly dispatcher: () => Promise<Dispatcher>;
  /** Largest body read, after decompression; the dispatcher caps the bytes on the wire. */
  readonly maxBodyBytes: number;
}

/**
 * undici's fetch through the policy's dispatcher. Redirects are followed here, not by fetch: at
 * most MAX_REDIRECTS, only for GET and HEAD, never from https to http, without credentials to
 * another origin; each hop connects through the same checked connector. Callers that ask for
 * `redirect: 'manual'` (openid-client) get the redirect back unfollowed, as fetch gives it.
 */
export function policyFetch(options: PolicyFetchOptions): typeof globalThis.fetch {
  return async (input: FetchInput, init?: FetchInit): Promise<Response> => {
    const [fetch, dispatcher] = await Promise.all([options.fetch(), options.dispatcher()]);
    const send = async (target: FetchInput, sendInit: FetchInit): Promise<Response> =>
      // undici's fetch is the implementation behind Node's global fetch; only the declared classes differ.
      // eslint-disable-next-line @typescript-eslint/no-unsafe-class-instance-assignment
      await fetch(target as Parameters<UndiciFetch>[0], { ...(sendInit as Parameters<UndiciFetch>[1]), redirect: 'manual', dispatcher });
    const mode = init?.redirect ?? (input instanceof Request ? input.redirect : 'follow');
    let url = new URL(input instanceof Request ? input.url : input);
    let currentInit = init;
    let response = await send(input, init);
    for (let hops = 0; mode !== 'manual' && REDIRECT_STATUS.has(response.status); hops++) {
      const location = response.headers.get('location');
      const method = (currentInit?.method ?? (input instanceof Request ? input.method : 'GET')).toUpperCase();
      if (location === null || (method !== 'GET' && method !== 'HEAD')) break;
      await response.body?.cancel();
      const next = new URL(location, url);
      const refused = redirectRefusal(url, next, mode, hops);
      if (refused !== undefined) throw new TypeError('fetch failed', { cause: new OutboundRefusedError(where(next), refused) });
      currentInit = next.origin === url.origin ? currentInit : withoutOriginBoundHeaders(currentInit);
      url = next;
      response = await send(next, currentInit);
      Object.defineProperty(response, 'redirected', { value: true });
    }
    return capped(response, options.maxBodyBytes);
  };
}

function redirectRefusal(from: URL, to: URL, mode: NonNullable<NonNullable<FetchInit>['redirect']>, hops: number): string | undefined {
  if (mode === 'error') return 'the request did not allow redirects';
  if (hops >= MAX_REDIRECTS) return `more than ${String(MAX_REDIRECTS)} redirects`;
  if (to.protocol !== 'https:' && to.protocol !== 'http:') return `a redirect to ${to.protocol} is not followed`;
  if (from.protocol === 'https:' && to.protocol === 'http:') return 'a redirect from https to plain http is not followed';
  return undefined;
}

function withoutOriginBoundHeaders(init: FetchInit): FetchInit {
  const headers = new Headers(init?.headers);
  for (const name of ORIGIN_BOUND_HEADERS) headers.delete(name);
  return { ...init, headers };
}

/** A URL for messages: origin and path only (a query string may carry a credential). */
function where(url: URL | string): string {
  const parsed = new URL(url);
  return `${parsed.origin}${parsed.pathname}`;
}

/**
 * The response with its decoded body counted: a body the server compressed is inflated by
 * fetch as it is read, so the bytes on the wire (capped by the dispatcher) say nothing of the
 * size a small compressed answer inflates to.
 */
function capped(response: Response, limit: number): Response {
  const coding = response.headers.get('content-encoding');
  if (response.body === null || coding === null || coding.trim().toLowerCase() === 'identity' || NULL_BODY_STATUS.has(response.status)) return response;
  let size = 0;
  const counted = response.body.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        size += chunk.byteLength;
        if (size > limit) controller.error(new ResponseTooLargeError(where(response.url), limit));
        else controller.enqueue(chunk);
      },
    }),
  );
  const result = new Response(counted, { status: response.status, statusText: response.statusText, headers: response.headers });
  return Object.defineProperties(result, { url: { value: response.url }, redirected: { value: response.redirected } });
}
