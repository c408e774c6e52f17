import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import type { AuthKind, FunctionSpec } from '../../functions/manifest.ts';
import { HttpProblem, MAX_JSON_BODY_BYTES } from '../../lib/http/index.ts';
import { logger } from '../../lib/observe/index.ts';
import type { AdminAuth } from './auth.ts';
import type { ConnectGate } from './connect-gate.ts';
import { splitTarget, toApiGatewayEvent } from './event.ts';
import { sendHomePage } from './home-page.ts';
import { readResult, send, sendProblem } from './response.ts';
import type { RouteMatch } from './router.ts';

export interface ServerDeps {
  readonly route: (method: string, rawPath: string) => RouteMatch;
  readonly auth: AdminAuth;
  /** The Connect authorizer in front of `connect` routes (infra/local/connect-gate.ts). */
  readonly connect: ConnectGate;
  readonly invoke: (fn: FunctionSpec, event: unknown) => Promise<unknown>;
  /** Settles once the services are in place; requests wait for it. */
  readonly ready: Promise<void>;
  /** TRUSTLINE_PUBLIC_URL: its host is answered besides the loopback names. */
  readonly publicUrl: string;
}

export interface LocalServer {
  readonly server: Server;
  /** Stops accepting, gives requests in progress up to `graceMs`, then closes every connection. */
  drain(graceMs: number): Promise<void>;
}

/** The HTTP front of the local runtime: API Gateway's part (routing, auth, limits, event translation). */
export function createLocalServer(deps: ServerDeps): LocalServer {
  const inFlight = new Set<Promise<void>>();
  const server = createServer((req, res) => {
    const done = handle(deps, req, res).catch((error: unknown) => {
      logger.error('The local runtime failed to answer a request.', { error: error as Error });
      if (!res.headersSent) sendProblem(res, new HttpProblem(500, 'INTERNAL', 'Trustline hit an unexpected error; the log has the details.'));
      else res.destroy();
    });
    inFlight.add(done);
    void done.finally(() => inFlight.delete(done));
  });
  server.requestTimeout = 60_000;
  return {
    server,
    async drain(graceMs) {
      const closed = new Promise<void>((resolve) => {
        server.close(() => {
          resolve();
        });
      });
      server.closeIdleConnections();
      let timer: NodeJS.Timeout | undefined;
      const grace = new Promise<void>((resolve) => (timer = setTimeout(resolve, graceMs)));
      await Promise.race([Promise.all(inFlight), grace]);
      clearTimeout(timer);
      server.closeAllConnections();
      await closed;
    },
  };
}

async function handle(deps: ServerDeps, req: IncomingMessage, res: ServerResponse): Promise<void> {
  // Before anything else: a page on another site that rebinds its DNS name to 127.0.0.1 sends its own name as Host.
  if (!allowedHosts(deps.publicUrl, req.socket.localPort).has((req.headers.host ?? '').toLowerCase())) {
    await refuse(
      req,
      res,
      new HttpProblem(
        421,
        'MISDIRECTED_REQUEST',
        `This Trustline answers only 127.0.0.1, localhost, [::1] on its port and the host of TRUSTLINE_PUBLIC_URL, not "${(req.headers.host ?? '').slice(0, 100)}".`,
      ),
    );
    return;
  }
  const method = req.method ?? 'GET';
  const { rawPath } = splitTarget(req.url ?? '/');
  const match = deps.route(method, rawPath);
  if (match.kind === 'not-found') {
    if (rawPath === '/' && (method === 'GET' || method === 'HEAD')) {
      sendHomePage(res, method);
      return;
    }
    await refuse(req, res, new HttpProblem(404, 'NO_ROUTE', `Trustline has no route for ${rawPath}.`));
    return;
  }
  if (match.kind === 'method-not-allowed') {
    const allow = match.allow.join(', ');
    await refuse(req, res, new HttpProblem(405, 'METHOD_NOT_ALLOWED', `${rawPath} accepts ${allow}, not ${method}.`, { allow: match.allow }), { allow });
    return;
  }
  const { fn, route } = match.entry;
  const wire = { method, target: req.url ?? '/', rawHeaders: req.rawHeaders, httpVersion: req.httpVersion, remoteAddress: req.socket.remoteAddress };
  // Authentication comes before the body is read, so an unauthenticated caller costs no memory (a refusal drains and drops it).
  let authorizer: { requestId: string; context: Readonly<Record<string, unknown>> } | undefined;
  if (route.auth === 'connect') {
    // As API Gateway: the authorizer sees the request without its body, and answers before the body is read.
    await deps.ready;
    const gateEvent = toApiGatewayEvent({ ...wire, body: undefined }, match, new Date());
    const decision = await deps.connect(gateEvent);
    if (decision.kind === 'refused') {
      const body = Buffer.from(JSON.stringify({ message: decision.message }));
      await refuseWith(req, (close) => {
        send(res, { status: decision.status, headers: { 'content-type': 'application/json' }, body }, close);
      });
      return;
    }
    authorizer = { requestId: gateEvent.requestContext.requestId, context: decision.context };
  } else if (!authorized(route.auth, deps.auth, req)) {
    await refuse(
      req,
      res,
      new HttpProblem(
        401,
        'UNAUTHORIZED',
        'The admin API needs `Authorization: Bearer <token>` with the token from TRUSTLINE_ADMIN_TOKEN or the admin-token file in the data directory.',
      ),
      { 'www-authenticate': 'Bearer realm="trustline"' },
    );
    return;
  }
  // A cross-site page can POST text/plain without asking first (a CORS "simple" request); JSON it cannot.
  if (hasBody(req) && !isJson(req.headers['content-type'])) {
    await refuse(req, res, new HttpProblem(415, 'UNSUPPORTED_MEDIA_TYPE', 'A request body must be JSON, sent with `Content-Type: application/json`.'));
    return;
  }
  const body = await readBody(req, MAX_JSON_BODY_BYTES);
  if (body === 'too-large') {
    const problem = new HttpProblem(413, 'BODY_TOO_LARGE', `The request body is over ${MAX_JSON_BODY_BYTES} bytes, the most Trustline accepts.`, {
      limit: MAX_JSON_BODY_BYTES,
    });
    await refuse(req, res, problem);
    return;
  }
  await deps.ready;
  const routeEvent = toApiGatewayEvent({ ...wire, body }, match, new Date());
  // The integration sees the authorizer's context under requestContext.authorizer.lambda, in the authorizer's request.
  const event =
    authorizer === undefined
      ? routeEvent
      : { ...routeEvent, requestContext: { ...routeEvent.requestContext, requestId: authorizer.requestId, authorizer: { lambda: authorizer.context } } };
  let result: unknown;
  try {
    result = await deps.invoke(fn, event);
  } catch (error) {
    // API Gateway answers 500 when the function itself fails; the handler's own errors never get here.
    logger.error('The function failed.', { function: fn.name, routeKey: match.routeKey, requestId: event.requestContext.requestId, error: error as Error });
    sendProblem(
      res,
      new HttpProblem(500, 'FUNCTION_FAILED', `The function "${fn.name}" failed; the log has the details under request id ${event.requestContext.requestId}.`),
    );
    return;
  }
  const out = readResult(result);
  if (out === undefined) {
    logger.error('The function returned no usable response.', { function: fn.name, routeKey: match.routeKey });
    sendProblem(res, new HttpProblem(500, 'INVALID_FUNCTION_RESULT', `The function "${fn.name}" returned no usable response.`));
    return;
  }
  send(res, out);
}

/** The most body bytes read and thrown away so that a refused request can keep its connection. */
const MAX_DISCARDED_BYTES = 1024 * 1024;

/**
 * Answers `problem` to a request whose body will not be used. A body up to MAX_DISCARDED_BYTES is
 * read to its end first: closing a socket that still has unread bytes makes the kernel send a
 * reset, which can reach the client before the answer and turn a clear 413 into ECONNRESET. A
 * larger body gets the answer at once and the connection closed.
 */
async function refuse(req: IncomingMessage, res: ServerResponse, problem: HttpProblem, headers: Record<string, string> = {}): Promise<void> {
  await refuseWith(req, (close) => {
    sendProblem(res, problem, headers, close);
  });
}

/** refuse() with an answer of any shape: `answer(close)` writes it, closing when the body was too large to drain. */
async function refuseWith(req: IncomingMessage, answer: (close: boolean) => void): Promise<void> {
  const drained = await discard(req, MAX_DISCARDED_BYTES);
  answer(!drained);
}

/** Reads what is left of the body and drops it: true once it ended within `limit` bytes. */
function discard(req: IncomingMessage, limit: number): Promise<boolean> {
  if (req.readableEnded) return Promise.resolve(true);
  if (Number(req.headers['content-length'] ?? 0) > limit) {
    req.resume();
    return Promise.resolve(false);
  }
  return new Promise((resolve) => {
    let size = 0;
    const finish = (drained: boolean): void => {
      req.off('data', onData).off('end', onEnd).off('error', onFail).off('close', onFail);
      resolve(drained);
    };
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > limit) finish(false);
    };
    const onEnd = (): void => {
      finish(true);
    };
    const onFail = (): void => {
      finish(false);
    };
    req.on('data', onData).on('end', onEnd).on('error', onFail).on('close', onFail);
    req.resume();
  });
}

/** The Host values this server answers (lower case): the loopback names on its port, and the public URL's host. */
function allowedHosts(publicUrl: string, port: number | undefined): Set<string> {
  const hosts = new Set(port === undefined ? [] : [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`]);
  hosts.add(new URL(publicUrl).host.toLowerCase());
  return hosts;
}

/** A request carries a body when it declares a length above zero or a transfer coding. */
function hasBody(req: IncomingMessage): boolean {
  return req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0;
}

function isJson(contentType: string | undefined): boolean {
  return contentType?.split(';')[0]?.trim().toLowerCase() === 'application/json';
}

/** Fails closed: an auth kind this runtime does not know (or `connect`, which the gate decides) lets nobody in. */
function authorized(kind: AuthKind, auth: AdminAuth, req: IncomingMessage): boolean {
  switch (kind) {
    case 'public':
      return true;
    case 'admin':
      return auth.verify(req.headers.authorization);
    default:
      return false;
  }
}

/**
 * The request body, or 'too-large' as soon as it exceeds `limit`: a declared Content-Length
 * is refused before any byte is read, a streamed body as soon as the limit is crossed; what
 * follows is discarded, never buffered.
 */
function readBody(req: IncomingMessage, limit: number): Promise<Buffer | 'too-large'> {
  return new Promise((resolve, reject) => {
    if (Number(req.headers['content-length'] ?? 0) > limit) {
      req.resume();
      resolve('too-large');
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size <= limit) chunks.push(chunk);
      else {
        cleanup();
        chunks.length = 0;
        resolve('too-large');
      }
    };
    const onEnd = (): void => {
      cleanup();
      resolve(Buffer.concat(chunks, size));
    };
    const onError = (error: Error): void => {
      cleanup();
      reject(error);
    };
    const onClose = (): void => {
      onError(new Error('The client closed the connection before sending the whole body.'));
    };
    const cleanup = (): void => {
      // The stream stays flowing: later chunks go nowhere.
      req.off('data', onData).off('end', onEnd).off('error', onError).off('close', onClose);
    };
    req.on('data', onData).on('end', onEnd).on('error', onError).on('close', onClose);
  });
}
