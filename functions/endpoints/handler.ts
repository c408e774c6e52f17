import { httpHandler, json, noContent, pathParam, readJson } from '../../lib/http/index.ts';
import { services } from '../../lib/runtime/index.ts';
import { createEndpointStore, endpointInput, EndpointNotFoundError } from '../../lib/tls/endpoints.ts';

async function store() {
  const { metadata, clock } = await services();
  return createEndpointStore(metadata, clock);
}

/** Admin routes for certificate targets: add, list (with the latest result), delete, check now. */
export const handler = httpHandler({
  'POST /admin/endpoints': async (event) => {
    const input = readJson(event, endpointInput);
    return json(201, await (await store()).add(input));
  },
  'GET /admin/endpoints': async () => {
    const endpoints = await store();
    const all = await endpoints.list();
    const withResults = await Promise.all(
      all.map(async (endpoint) => {
        const result = await endpoints.result(endpoint.id);
        if (result === undefined) return endpoint;
        const { verdict, trusted, daysLeft, earliestExpiry, message, checkedAt, revocation } = result.report;
        return {
          ...endpoint,
          lastResult: { verdict, trusted, daysLeft, earliestExpiry, message, checkedAt, ...(revocation === undefined ? {} : { revocation }) },
        };
      }),
    );
    return json(200, { endpoints: withResults });
  },
  'DELETE /admin/endpoints/{id}': async (event) => {
    const id = pathParam(event, 'id');
    if (!(await (await store()).remove(id))) throw new EndpointNotFoundError(id);
    return noContent();
  },
  'POST /admin/endpoints/{id}/check': async (event) => {
    const endpoint = await (await store()).get(pathParam(event, 'id'));
    const { checkNow } = await import('../../lib/tls/check-now.ts');
    return json(200, await checkNow(await services(), await store(), endpoint));
  },
});
