/** The browser console: a local server (one-time sign-in, session, Host/Origin checks) over the admin API. */
export { startConsoleServer, SESSION_COOKIE, type ConsoleServer, type ConsoleServerOptions } from './server.ts';
export { upstreamFromEnv, bearerUpstream, sigV4Upstream, type Upstream } from './upstream.ts';
export { buildAssets, type ConsoleAssets } from './assets.ts';
export { SIGN_IN_TTL_MS } from './sessions.ts';
export * from './errors.ts';
