import type { FunctionSpec } from '../../functions/manifest.ts';
import { scheduledInvocation } from '../../functions/scheduled-event.ts';
import { apiEvent } from '../support/api-event.ts';

/** Signs a Connect token for a request (the benchmark's seeded installation); a bogus token when not given. */
export type ConnectTokenSigner = (method: string, pathAndQuery: string) => string;

const BOGUS_TOKEN = 'eyJhbGciOiJIUzI1NiJ9.eyJpc3MiOiJiZW5jaCJ9.c2lnbmF0dXJl';

/**
 * Events for functions whose first route would not show what they do: an authorizer has no route of
 * its own, and jwt-validate's only route needs a body. Both carry a token of an installed client,
 * so the event reads its shared secret and runs the whole verification, as a real first call does.
 */
const SPECIFIC_EVENTS: Readonly<Record<string, (sign: ConnectTokenSigner | undefined) => unknown>> = {
  'jwt-authorizer': (sign) => {
    const { requestContext, headers, rawPath, rawQueryString, routeKey } = apiEvent('GET /connect/protected');
    return {
      version: '2.0',
      type: 'REQUEST',
      routeArn: 'arn:aws:execute-api:eu-west-1:000000000000:bench/$default/GET/connect/protected',
      identitySource: [],
      routeKey,
      rawPath,
      rawQueryString,
      headers: { ...headers, authorization: `JWT ${sign?.('GET', rawPath) ?? BOGUS_TOKEN}` },
      requestContext,
    };
  },
  'jwt-validate': (sign) => {
    const url = '/rest/api/3/issue/PROJ-1?expand=names';
    return apiEvent('POST /jwt/validate', { body: JSON.stringify({ token: sign?.('GET', url) ?? BOGUS_TOKEN, method: 'GET', url }) });
  },
};

/**
 * One event a function really receives, for benchmarks: a specific one where listed above, else
 * an HTTP route (preferably a plain GET; path parameters filled with `bench`), else the payload of its first
 * schedule, else an empty SQS batch.
 */
export function representativeEvent(spec: FunctionSpec, sign?: ConnectTokenSigner): unknown {
  const specific = SPECIFIC_EVENTS[spec.name];
  if (specific) return specific(sign);
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
  if (schedule) return scheduledInvocation(spec.name, schedule.cron);
  return { Records: [] };
}
