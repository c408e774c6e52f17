import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type { z } from 'zod';
import { httpHandler, noContent, readJson, toProblem, type HttpResult } from '../../lib/http/index.ts';
import {
  installKeysFor,
  JwtError,
  MissingTokenError,
  handleLifecycle,
  installedPayloadSchema,
  uninstalledPayloadSchema,
  tokenFromRequest,
} from '../../lib/jwt/index.ts';
import { logger } from '../../lib/observe/index.ts';
import { services } from '../../lib/runtime/index.ts';

/**
 * Connect lifecycle callbacks (public: Jira calls them). The RS256 token proves the call comes
 * from Atlassian; only then is the site's shared secret stored (installed) or deleted (uninstalled).
 */
export const handler = httpHandler({
  'POST /connect/installed': (event) => lifecycle(event, installedPayloadSchema),
  'POST /connect/uninstalled': (event) => lifecycle(event, uninstalledPayloadSchema),
});

async function lifecycle(event: APIGatewayProxyEventV2, schema: typeof installedPayloadSchema | typeof uninstalledPayloadSchema): Promise<HttpResult> {
  const payload: z.output<typeof schema> = readJson(event, schema);
  const { config, secrets, metadata, trust, clock } = await services();
  const keys = installKeysFor(trust.fetch, config.connectInstallKeysUrl, clock, config.allowLoopbackHttp);
  const query = event.rawQueryString === '' ? '' : `?${event.rawQueryString}`;
  try {
    const token = tokenFromRequest(event.headers, event.rawQueryString);
    if (token === undefined) throw new MissingTokenError();
    await handleLifecycle({ token, request: { method: event.requestContext.http.method, url: event.rawPath + query }, payload }, secrets, {
      keys,
      baseUrl: config.publicUrl,
      metadata,
      clock,
    });
  } catch (error) {
    if (!(error instanceof JwtError)) throw error;
    logger.warn('Connect lifecycle call refused', { eventType: payload.eventType, clientKey: payload.clientKey, code: error.code, reason: error.message });
    // Anyone can call this route: the answer names the code only, the log keeps the details.
    throw toProblem(error, { anonymous: true });
  }
  logger.info(`Connect app ${payload.eventType}`, { clientKey: payload.clientKey, site: payload.baseUrl });
  return noContent();
}
