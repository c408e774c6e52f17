import { createRequire } from 'node:module';

/**
 * `node:http` for the bundled AWS SDK (infra/aws/bundling.ts `alias`), loaded with `require`: an ES
 * module import of `node:http` builds its export facade, and reading every export evaluates the
 * module's lazy getters (`WebSocket` and friends), which load Node's own copy of undici at start.
 */
const http = createRequire(import.meta.url)('node:http') as typeof import('node:http');
export default http;
export const { Agent, request } = http;
