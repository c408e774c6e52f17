import { brotliDecompressSync, gunzipSync, inflateSync } from 'node:zlib';
import type { Dispatcher } from 'undici';

/** The only init members a direct request understands; anything else goes through full fetch. */
const DIRECT_INIT = new Set(['method', 'headers', 'body', 'signal', 'redirect']);
/** Statuses whose response has no body (fetch's "null body status"). */
const NULL_BODY_STATUS = new Set([101, 103, 204, 205, 304]);
const DECODERS: Record<string, (bytes: Uint8Array) => Uint8Array> = {
  gzip: gunzipSync,
  'x-gzip': gunzipSync,
  deflate: inflateSync,
  br: brotliDecompressSync,
};

type FetchInput = Parameters<typeof globalThis.fetch>[0];
type FetchInit = Parameters<typeof globalThis.fetch>[1];

/** A request for `fetchDirect`: the dispatcher's options, the URL the Response reports, the caller's signal. */
export interface DirectRequest {
  readonly url: URL;
  readonly options: Dispatcher.DispatchOptions;
  readonly signal: AbortSignal | undefined;
}

/**
 * The request as the dispatcher sends it, or undefined when fetch semantics beyond a
 * single exchange are asked for (following redirects, streamed bodies, a Request object, CORS
 * or cache options): those callers get undici's full fetch.
 *
 * openid-client, oauth4webapi and jose send exactly this shape (`redirect: 'manual'`, a string
 * or form body, a signal). Sent through the dispatcher's handler interface, one token-endpoint
 * exchange costs about a quarter of the client CPU of the same exchange through fetch, whose
 * WHATWG streams and Request/Response machinery dominate a small request on loopback
 * (measured on loopback: about 80 µs against 300 µs; the refresh benchmark's bare loop takes
 * 0.53-0.87x the time through Trustline's fetch).
 */
export function directRequest(input: FetchInput, init: FetchInit): DirectRequest | undefined {
  if (init?.redirect !== 'manual' || !(typeof input === 'string' || input instanceof URL)) return undefined;
  for (const key in init) if (!DIRECT_INIT.has(key)) return undefined;
  const { body } = init;
  let payload: string | Uint8Array | undefined;
  let contentType: string | undefined;
  if (typeof body === 'string') [payload, contentType] = [body, 'text/plain;charset=UTF-8'];
  else if (body instanceof URLSearchParams) [payload, contentType] = [body.toString(), 'application/x-www-form-urlencoded;charset=UTF-8'];
  else if (body instanceof Uint8Array) payload = body;
  else if (body !== undefined && body !== null) return undefined;
  const url = new URL(input);
  // Credentials in the URL are refused by fetch; let it say so.
  if (url.username !== '' || url.password !== '') return undefined;
  const headers: Record<string, string> = {};
  for (const [name, value] of new Headers(init.headers)) headers[name] = value;
  if (contentType !== undefined && !('content-type' in headers)) headers['content-type'] = contentType;
  if (!('accept' in headers)) headers.accept = '*/*';
  const options = { origin: url.origin, path: `${url.pathname}${url.search}`, method: normalizedMethod(init.method ?? 'GET'), headers, body: payload };
  return { url, options, signal: init.signal ?? undefined };
}

/** fetch upper-cases these methods whatever their case, and sends any other as given. */
const NORMALIZED_METHODS = new Set(['DELETE', 'GET', 'HEAD', 'OPTIONS', 'POST', 'PUT']);
function normalizedMethod(method: string): string {
  const upper = method.toUpperCase();
  return NORMALIZED_METHODS.has(upper) ? upper : method;
}

/**
 * One HTTP exchange through `dispatcher`, answered as a fetch Response: the body read whole (and
 * decoded when the server compressed it anyway), the URL set, failures shaped as fetch shapes
 * them (the signal's reason on abort, `TypeError('fetch failed', { cause })` otherwise).
 */
export async function fetchDirect(dispatcher: Dispatcher, { url, options, signal }: DirectRequest): Promise<Response> {
  try {
    const { status, statusText, headers, body } = await exchange(dispatcher, options, signal);
    const responseHeaders = new Headers();
    for (const [name, value] of Object.entries(headers)) {
      if (Array.isArray(value)) for (const each of value) responseHeaders.append(name, each);
      else if (value !== undefined) responseHeaders.append(name, value);
    }
    const hasBody = !NULL_BODY_STATUS.has(status) && options.method !== 'HEAD';
    const init = { status, statusText, headers: responseHeaders };
    return hasBody ? bufferedResponse(decoded(body, responseHeaders.get('content-encoding')), init, url.href) : withUrl(new Response(null, init), url.href);
  } catch (error) {
    if (signal?.aborted === true) throw signal.reason;
    throw new TypeError('fetch failed', { cause: error });
  }
}

interface Exchanged {
  readonly status: number;
  readonly statusText: string;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: Uint8Array;
}

/**
 * Sends the request and collects the final response whole, through the dispatcher's handler
 * interface: no stream and no async resource around a body of a few hundred bytes.
 */
function exchange(dispatcher: Dispatcher, options: Dispatcher.DispatchOptions, signal: AbortSignal | undefined): Promise<Exchanged> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted === true) {
      reject(signal.reason as Error);
      return;
    }
    let controller: Dispatcher.DispatchController | undefined;
    const onAbort = () => controller?.abort(signal?.reason as Error);
    signal?.addEventListener('abort', onAbort, { once: true });
    const settled = () => signal?.removeEventListener('abort', onAbort);
    let head: Omit<Exchanged, 'body'> | undefined;
    const chunks: Buffer[] = [];
    const failed = (error: Error) => {
      settled();
      reject(error);
    };
    try {
      dispatcher.dispatch(options, {
        onRequestStart(started) {
          controller = started;
          if (signal?.aborted === true) started.abort(signal.reason as Error);
        },
        onResponseStart(_controller, status, headers, statusText = '') {
          // 1xx answers are informational; the final response follows on the same exchange.
          if (status >= 200) head = { status, statusText, headers };
        },
        onResponseData(_controller, chunk) {
          // A view into the socket's read data: copied out, with the others, when the response ends.
          chunks.push(chunk);
        },
        onResponseEnd() {
          if (head === undefined) {
            failed(new Error('the connection ended without a response'));
            return;
          }
          settled();
          resolve({ ...head, body: joined(chunks) });
        },
        onResponseError(_controller, error) {
          failed(error);
        },
      });
    } catch (error) {
      // Options the dispatcher refuses at once: the abort listener must not outlive the call.
      failed(error as Error);
    }
  });
}

function withUrl(response: Response, url: string): Response {
  return Object.defineProperty(response, 'url', { value: url });
}

const decoder = new TextDecoder();
const UNUSABLE = 'Body is unusable: Body has already been read';

/**
 * A Response whose body is already in memory. fetch's Response wraps every body in a WHATWG
 * ReadableStream, which costs more CPU than the exchange it carries (about 50 µs of a token
 * refresh, measured with perf on the benchmark's machine); reading bytes in hand needs none.
 * The body's readers are answered from the bytes. `body` (the stream), `blob()` and
 * `formData()` build the stream-backed Response on first use, which from then on answers
 * every reader, so that mixing the two behaves as fetch's Response does.
 */
function bufferedResponse(bytes: Uint8Array, init: ResponseInit, url: string): Response {
  const response = withUrl(new Response(null, init), url);
  let used = false;
  let streamed: Response | undefined;
  const stream = (): Response => {
    if (streamed === undefined) {
      if (used) throw new TypeError(UNUSABLE);
      streamed = withUrl(new Response(bytes, init), url);
    }
    return streamed;
  };
  const reader = <T>(read: (bytes: Uint8Array) => T, delegate: (streamed: Response) => Promise<T>) => ({
    value: async (): Promise<T> => {
      if (streamed !== undefined) return delegate(streamed);
      if (used) throw new TypeError(UNUSABLE);
      used = true;
      return read(bytes);
    },
  });
  return Object.defineProperties(response, {
    body: { get: () => stream().body },
    bodyUsed: { get: () => streamed?.bodyUsed ?? used },
    // Copies made with `new Uint8Array`: a Buffer's slice() is a view, its `.buffer` a shared pool.
    arrayBuffer: reader((b) => new Uint8Array(b).buffer, (r) => r.arrayBuffer()),
    bytes: reader((b) => new Uint8Array(b), async (r) => new Uint8Array(await r.arrayBuffer())),
    text: reader((b) => decoder.decode(b), (r) => r.text()),
    json: reader((b): unknown => JSON.parse(decoder.decode(b)), (r) => r.json()),
    blob: { value: () => stream().blob() },
    // Answered as fetch's Response answers it (the lint's advice is about servers parsing uploads).
    // eslint-disable-next-line @typescript-eslint/no-deprecated
    formData: { value: () => stream().formData() },
    clone: {
      value: (): Response => {
        if (streamed !== undefined) return streamed.clone();
        if (used) throw new TypeError('Response.clone: Body has already been consumed.');
        return bufferedResponse(bytes, init, url);
      },
    },
  });
}

/** The chunks copied into one array of their own (not a Buffer: no shared pool behind it). */
function joined(chunks: readonly Uint8Array[]): Uint8Array {
  const bytes = new Uint8Array(chunks.reduce((total, chunk) => total + chunk.length, 0));
  let at = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, at);
    at += chunk.length;
  }
  return bytes;
}

/** The body with its content codings undone, last applied first (as fetch does); an unknown coding is left as sent. */
function decoded(bytes: Uint8Array, contentEncoding: string | null): Uint8Array {
  if (contentEncoding === null || bytes.length === 0) return bytes;
  let result = bytes;
  for (const coding of contentEncoding.split(',').map((each) => each.trim().toLowerCase()).reverse()) {
    if (coding === 'identity' || coding === '') continue;
    const decode = DECODERS[coding];
    if (decode === undefined) return bytes;
    result = decode(result);
  }
  return result;
}
