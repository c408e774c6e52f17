import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { logger } from '../observe/index.ts';
import { HttpProblem, problemResult, toProblem } from './problem.ts';
import type { HttpResult } from './response.ts';

export type RouteHandler = (event: APIGatewayProxyEventV2) => Promise<HttpResult>;

/**
 * One Lambda handler for a function's routes, dispatched on API Gateway's `routeKey`
 * (`"GET /admin/integrations/{id}"`). The event reaches the route untouched (rawPath and
 * rawQueryString as received). Errors become problem+json through toProblem; a failure of
 * Trustline itself is logged (redacted) and answered 500 with only the request id, never its detail.
 *
 * @example export const handler = httpHandler({ 'GET /health': async () => json(200, { ok: true }) });
 */
export function httpHandler(routes: Readonly<Record<string, RouteHandler>>): (event: APIGatewayProxyEventV2) => Promise<HttpResult> {
  return async (event) => {
    const route = Object.hasOwn(routes, event.routeKey) ? routes[event.routeKey] : undefined;
    try {
      if (route === undefined) throw new HttpProblem(404, 'NO_ROUTE', `This function has no route ${event.routeKey}.`);
      return await route(event);
    } catch (error) {
      const requestId = event.requestContext.requestId;
      const problem = toProblem(error, { requestId });
      if (problem.status >= 500)
        logger.error(problem !== error && problem.code === 'INTERNAL' ? 'Unhandled error' : 'Request failed', {
          routeKey: event.routeKey,
          requestId,
          error: error as Error,
        });
      return problemResult(problem);
    }
  };
}

/** A path parameter that API Gateway guarantees by the route, decoded. */
export function pathParam(event: APIGatewayProxyEventV2, name: string): string {
  const value = event.pathParameters?.[name];
  if (value === undefined) throw new HttpProblem(400, 'MISSING_PATH_PARAMETER', `The path has no {${name}}.`);
  return value;
}
