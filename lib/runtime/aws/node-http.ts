import { createRequire } from 'node:module';

/**
 * `node:http` for the bundle (infra/aws/bundling.ts `alias`), loaded with `require`: an ES module
 * import of `node:http` builds its export facade, and reading every export evaluates the module's
 * lazy getters (`WebSocket` and friends), which load Node's own copy of undici at start.
 *
 * The alias serves every `node:http` of the bundle, the bundled undici's `require('node:http')`
 * included, so each export but those lazy getters is passed on: with only the SDK's `Agent` and
 * `request`, undici read `maxHeaderSize` as undefined and refused every request of a bundle
 * (UND_ERR_INVALID_ARG: the OAuth token call, the Connect key fetch).
 */
const http = createRequire(import.meta.url)('node:http') as typeof import('node:http');
export default http;
export const {
  Agent,
  ClientRequest,
  IncomingMessage,
  METHODS,
  OutgoingMessage,
  STATUS_CODES,
  Server,
  ServerResponse,
  createServer,
  get,
  globalAgent,
  maxHeaderSize,
  request,
  setMaxIdleHTTPParsers,
  validateHeaderName,
  validateHeaderValue,
} = http;
