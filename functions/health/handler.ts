import { httpHandler, json } from '../../lib/http/index.ts';
import { loadConfig } from '../../lib/runtime/config.ts';
import { version } from '../../lib/runtime/version.ts';

/**
 * GET /health: 200 with the version and the configured backend (500 when the configuration is invalid).
 * It reads the configuration only: composing the stores would load every adapter, and on AWS the SDK,
 * for an answer that uses none of them.
 */
export const handler = httpHandler({
  'GET /health': () => Promise.resolve(json(200, { status: 'ok', version, backend: loadConfig().backend })),
});
