import type { QueryParam } from '../query.ts';
import type { Candidate, ReceivedRequest, TransformationFamily } from './candidate.ts';

/**
 * A gateway or framework rebuilt the query from a parsed map that joins repeated parameters
 * (`ids=1&ids=2` → `ids=1,2`), as API Gateway HTTP API does in `queryStringParameters`.
 * Jira signed the values separately: `ids=1,2` hashes as one value with an encoded comma.
 */
export const repeatedParams: TransformationFamily = {
  id: 'repeated-params',
  budget: 12,
  *candidates(received: ReceivedRequest): Generator<Candidate> {
    const joined = [...new Set(received.params.filter((p) => p.value.includes(',')).map((p) => p.name))];
    if (joined.length === 0) return;
    const groups = joined.length === 1 ? [joined] : [joined, ...joined.slice(0, 10).map((name) => [name])];
    for (const names of groups) {
      yield {
        method: received.method,
        path: received.path,
        basePath: received.basePath,
        params: split(received.params, new Set(names)),
        transformation: 'repeated-params/joined-with-comma',
        explanation:
          `The repeated query parameter${names.length > 1 ? 's' : ''} ${names.map((n) => `"${n}"`).join(', ')} reached Trustline joined into one comma-separated value; ` +
          'Jira signed each value separately. API Gateway HTTP API joins repeated parameters this way in queryStringParameters.',
        fix: 'Rebuild the request URL from the raw query string (rawQueryString on API Gateway HTTP API, the raw request line elsewhere), never from a parsed parameter map.',
      };
    }
  },
};

function split(params: readonly QueryParam[], names: ReadonlySet<string>): QueryParam[] {
  return params.flatMap((p) => (names.has(p.name) ? p.value.split(',').map((value) => ({ name: p.name, value })) : [p]));
}
