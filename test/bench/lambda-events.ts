import type { FunctionSpec } from '../../functions/manifest.ts';
import type { ScheduledInvocation } from '../../infra/aws/stack.ts';
import { apiEvent } from '../support/api-event.ts';

/** Events for functions the manifest's triggers do not describe (an authorizer has no route of its own). */
const SPECIFIC_EVENTS: Readonly<Record<string, () => unknown>> = {
  // A request carrying a (bogus) Connect token: loads the services and runs the verifier, then denies.
  'jwt-authorizer': () => {
    const { requestContext, headers, rawPath, rawQueryString, routeKey } = apiEvent('GET /connect/protected');
    return {
      version: '2.0',
      type: 'REQUEST',
      routeArn: 'arn:aws:execute-api:eu-west-1:000000000000:bench/$default/GET/connect/protected',
      identitySource: [],
      routeKey,
      rawPath,
      rawQueryString,
      headers: { ...headers, authorization: 'JWT eyJhbGciOiJIUzI1NiJ9.eyJpc3MiOiJiZW5jaCJ9.c2lnbmF0dXJl' },
      requestContext,
    };
  },
};

/**
 * One event a function really receives, for benchmarks: a specific one where listed above, else
 * an HTTP route (preferably a plain GET; path parameters filled with `bench`), else the payload of its first
 * schedule, else an empty SQS batch.
 */
export function representativeEvent(spec: FunctionSpec): unknown {
  const specific = SPECIFIC_EVENTS[spec.name];
  if (specific) return specific();
  // A read without path parameters reaches the stores; a POST without a body would stop at validation.
  const routes = spec.http ?? [];
  const route = routes.find((r) => r.method === 'GET' && !r.path.includes('{')) ?? routes.find((r) => r.method === 'GET') ?? routes[0];
  if (route) {
    const names = [...route.path.matchAll(/\{([^}+]+)\+?\}/g)].map((m) => m[1]!);
    const rawPath = route.path.replace(/\{[^}]+\}/g, 'bench');
    return apiEvent(`${route.method} ${route.path}`, {
      rawPath,
      ...(names.length > 0 ? { pathParameters: Object.fromEntries(names.map((n) => [n, 'bench'])) } : {}),
    });
  }
  const schedule = spec.schedules?.[0];
  if (schedule) return { source: 'trustline.schedule', function: spec.name, cron: schedule.cron } satisfies ScheduledInvocation;
  return { Records: [] };
}
