import type { APIGatewayProxyEventV2, APIGatewayRequestAuthorizerEventV2 } from 'aws-lambda';
import { connectAuthorizer, type FunctionSpec } from '../../functions/manifest.ts';
import { logger } from '../../lib/observe/index.ts';

/** What API Gateway does with a request to a `connect` route once its authorizer has answered. */
export type GateDecision =
  | { readonly kind: 'allowed'; readonly context: Readonly<Record<string, unknown>> }
  /** API Gateway's own answer: 401 `Unauthorized`, 403 `Forbidden` or 500 `Internal Server Error`. */
  | { readonly kind: 'refused'; readonly status: 401 | 403 | 500; readonly message: string };

export type ConnectGate = (event: APIGatewayProxyEventV2) => Promise<GateDecision>;

const UNAUTHORIZED: GateDecision = { kind: 'refused', status: 401, message: 'Unauthorized' };
const FORBIDDEN: GateDecision = { kind: 'refused', status: 403, message: 'Forbidden' };
const FAILED: GateDecision = { kind: 'refused', status: 500, message: 'Internal Server Error' };

/**
 * The local stand-in for the HTTP API Lambda REQUEST authorizer on `connect` routes, with the
 * settings of functions/manifest.ts (`connectAuthorizer`): every request is authorized afresh (no
 * cache); a missing identity source is a 401 without a call; the authorizer function gets the
 * payload 2.0 REQUEST event (the route's event without its body); `isAuthorized: true` lets the
 * request through with the simple response's `context`, false is a 403, a failure or any other
 * answer a 500. Without the authorizer function in the manifest every `connect` request fails closed.
 */
export function createConnectGate(
  authorizer: FunctionSpec | undefined,
  invoke: (fn: FunctionSpec, event: unknown) => Promise<unknown>,
  identitySources: readonly string[] = connectAuthorizer.identitySource,
): ConnectGate {
  return async (routeEvent) => {
    if (authorizer === undefined) {
      logger.error('A connect route was called but the manifest has no Connect authorizer function.', {
        function: connectAuthorizer.function,
        routeKey: routeEvent.routeKey,
      });
      return FAILED;
    }
    const identitySource = identityValues(routeEvent, identitySources);
    if (identitySource === undefined) return UNAUTHORIZED;
    let answer: unknown;
    try {
      answer = await invoke(authorizer, authorizerEvent(routeEvent, identitySource));
    } catch (error) {
      logger.error('The Connect authorizer failed.', { routeKey: routeEvent.routeKey, error: error as Error });
      return FAILED;
    }
    return readSimpleResponse(answer);
  };
}

/** The REQUEST authorizer event API Gateway sends for a route's request (payload 2.0: no body). */
export function authorizerEvent(routeEvent: APIGatewayProxyEventV2, identitySource: readonly string[]): APIGatewayRequestAuthorizerEventV2 {
  const { body: _body, isBase64Encoded: _encoded, requestContext, ...request } = routeEvent;
  const { accountId, apiId, stage, http } = requestContext;
  return {
    ...request,
    type: 'REQUEST',
    routeArn: `arn:aws:execute-api:local:${accountId}:${apiId}/${stage}/${http.method}${routeEvent.rawPath}`,
    identitySource: [...identitySource],
    requestContext,
  } as APIGatewayRequestAuthorizerEventV2;
}

/** The values of the identity sources, or undefined when one is missing or empty (API Gateway's 401). */
function identityValues(event: APIGatewayProxyEventV2, sources: readonly string[]): string[] | undefined {
  const values: string[] = [];
  for (const source of sources) {
    const header = /^\$request\.header\.(.+)$/i.exec(source)?.[1];
    const query = /^\$request\.querystring\.(.+)$/i.exec(source)?.[1];
    const value = header !== undefined ? event.headers[header.toLowerCase()] : query !== undefined ? event.queryStringParameters?.[query] : undefined;
    if (value === undefined || value === '') return undefined;
    values.push(value);
  }
  return values;
}

function readSimpleResponse(answer: unknown): GateDecision {
  if (typeof answer !== 'object' || answer === null || typeof (answer as { isAuthorized?: unknown }).isAuthorized !== 'boolean') {
    logger.error('The Connect authorizer answered something other than a simple response ({isAuthorized, context}).');
    return FAILED;
  }
  const { isAuthorized, context } = answer as { isAuthorized: boolean; context?: unknown };
  if (!isAuthorized) return FORBIDDEN;
  return { kind: 'allowed', context: typeof context === 'object' && context !== null ? (context as Record<string, unknown>) : {} };
}
