import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { logger } from '../observe/index.ts';
import { systemClock, type Clock } from '../clock.ts';
import { handleApi } from './api.ts';
import { buildAssets, type ConsoleAssets } from './assets.ts';
import { TrustlineError } from '../errors.ts';
import { HttpProblem } from '../http/index.ts';
import { NotSignedInError, UpstreamError, WrongHostError, WrongOriginError } from './errors.ts';
import { cookie, send, sendProblem } from './http.ts';
import { appShell, signInPage } from './pages.ts';
import { createSessions, SESSION_TTL_MS } from './sessions.ts';
import type { Upstream } from './upstream.ts';

export const SESSION_COOKIE = 'trustline_console';

export interface ConsoleServerOptions {
  readonly upstream: Upstream;
  /** 0 (default): a free port chosen by the system. */
  readonly port?: number;
  readonly clock?: Clock;
  /** Built from lib/console/ui when not given. */
  readonly assets?: ConsoleAssets;
}

export interface ConsoleServer {
  /** `http://127.0.0.1:PORT` */
  readonly url: string;
  /** A new one-time sign-in URL: works once, for 2 minutes. */
  signInUrl(): string;
  close(): Promise<void>;
}

/**
 * The console on 127.0.0.1: the UI, a one-time sign-in that opens an HttpOnly SameSite=Strict
 * session, and the console's API behind that session with Host and Origin checked (against DNS
 * rebinding and cross-site requests). The admin credentials never leave this process.
 */
export async function startConsoleServer(options: ConsoleServerOptions): Promise<ConsoleServer> {
  const assets = options.assets ?? (await buildAssets());
  const sessions = createSessions(options.clock ?? systemClock);
  const server: Server = createServer();
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(options.port ?? 0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const url = `http://127.0.0.1:${port}`;
  const hosts = new Set([`127.0.0.1:${port}`, `localhost:${port}`]);
  const origins = new Set([...hosts].map((host) => `http://${host}`));

  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    void route(req, res).catch((error: unknown) => {
      const answered = error instanceof HttpProblem || (error instanceof TrustlineError && error.category !== 'internal');
      if (error instanceof UpstreamError) logger.warn('The console could not reach the admin API.', { error });
      else if (!answered) logger.error('The console failed to answer a request.', { error: error as Error });
      if (res.headersSent) res.destroy();
      else sendProblem(res, answered ? error : new UpstreamError(options.upstream.baseUrl, 'an unexpected error'));
    });
  });

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!hosts.has(req.headers.host ?? '')) throw new WrongHostError(req.headers.host);
    const target = new URL(req.url ?? '/', url);
    const method = req.method ?? 'GET';
    const signedIn = sessions.valid(cookie(req, SESSION_COOKIE));
    if (target.pathname.startsWith('/api/')) {
      checkOrigin(req, method);
      if (!signedIn) throw new NotSignedInError();
      await handleApi(options.upstream, req, res, target);
      return;
    }
    if (method !== 'GET' && method !== 'HEAD') {
      send(res, 405, 'text/plain; charset=utf-8', 'Method not allowed', { allow: 'GET, HEAD' });
      return;
    }
    if (target.pathname === '/signin') {
      const session = sessions.redeem(target.searchParams.get('token') ?? '');
      if (session === undefined) {
        send(res, 403, 'text/html; charset=utf-8', signInPage(assets.version, true));
        return;
      }
      const maxAge = String(SESSION_TTL_MS / 1000);
      send(res, 303, undefined, '', { location: '/', 'set-cookie': `${SESSION_COOKIE}=${session}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${maxAge}` });
      return;
    }
    const asset = target.pathname.startsWith('/assets/') ? assets.files.get(target.pathname.slice('/assets/'.length)) : undefined;
    if (asset !== undefined) {
      send(res, 200, asset.contentType, asset.body, { 'cache-control': 'private, max-age=31536000, immutable' });
      return;
    }
    if (target.pathname === '/') {
      send(res, 200, 'text/html; charset=utf-8', signedIn ? appShell(assets.version) : signInPage(assets.version));
      return;
    }
    send(res, 404, 'text/plain; charset=utf-8', 'Not found');
  }

  /** Browsers send Origin with every fetch that can change something; a request without it or from elsewhere is refused. */
  function checkOrigin(req: IncomingMessage, method: string): void {
    const origin = req.headers.origin;
    if (origin === undefined ? method !== 'GET' && method !== 'HEAD' : !origins.has(origin)) throw new WrongOriginError(origin);
  }

  return {
    url,
    signInUrl: () => `${url}/signin?token=${sessions.issueSignIn()}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => {
          resolve();
        });
      }),
  };
}
