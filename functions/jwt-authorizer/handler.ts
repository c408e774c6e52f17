import type { APIGatewayRequestAuthorizerEventV2, APIGatewaySimpleAuthorizerWithContextResult } from 'aws-lambda';
import { connectVerifierFor, QshMismatchError, tokenFromRequest } from '../../lib/jwt/index.ts';
import { logger, registerSecret } from '../../lib/observe/index.ts';
import { services } from '../../lib/runtime/index.ts';

/** What a protected route's integration sees in `requestContext.authorizer.lambda`. */
export interface ConnectAuthorizerContext {
  readonly clientKey: string;
  /** The user's account id, '' when the token names no user. */
  readonly accountId: string;
}

/**
 * HTTP API Lambda REQUEST authorizer (payload format 2.0, simple responses): validates the
 * request's own Connect token against its own method, raw path and raw query. Not a route:
 * infra attaches it to the routes that opt in, with result caching off (the qsh binds each
 * token to one request, so a cached answer would be wrong for the next path).
 */
export async function handler(event: APIGatewayRequestAuthorizerEventV2): Promise<APIGatewaySimpleAuthorizerWithContextResult<ConnectAuthorizerContext>> {
  const denied = { isAuthorized: false, context: { clientKey: '', accountId: '' } };
  const token = tokenFromRequest(event.headers ?? {}, event.rawQueryString);
  if (token === undefined) {
    logger.info('Connect request without a token refused', { routeKey: event.routeKey });
    return denied;
  }
  registerSecret(token);
  const { config, secrets, clock } = await services();
  const query = event.rawQueryString === '' ? '' : `?${event.rawQueryString}`;
  const result = await connectVerifierFor(secrets, clock, config.publicUrl).verify(token, {
    method: event.requestContext.http.method,
    url: event.rawPath + query,
  });
  if (result.valid) {
    return { isAuthorized: true, context: { clientKey: result.claims.iss, accountId: typeof result.claims.sub === 'string' ? result.claims.sub : '' } };
  }
  const { error } = result;
  logger.warn('Connect request token refused', {
    routeKey: event.routeKey,
    code: error.code,
    reason: error.message,
    ...(error instanceof QshMismatchError ? { canonicalRequest: error.canonicalRequest, diagnosis: error.diagnosis } : {}),
  });
  return denied;
}
