import { httpHandler, json } from '../../lib/http/index.ts';
import { services } from '../../lib/runtime/services.ts';
import { version } from '../../lib/runtime/version.ts';

/** GET /health: 200 with the version and backend once the stores are reachable. */
export const handler = httpHandler({
  'GET /health': async () => {
    const { config } = await services();
    return json(200, { status: 'ok', version, backend: config.backend });
  },
});
