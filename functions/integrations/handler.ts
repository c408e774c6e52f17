import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { HttpProblem, httpHandler, json, noContent, pathParam, readJson } from '../../lib/http/index.ts';
import {
  createIntegration,
  createIntegrationInput,
  deleteIntegration,
  getAccessToken,
  getIntegrationView,
  IntegrationNotFoundError,
  listIntegrationViews,
  patchIntegration,
  redirectWarnings,
  refreshIntegration,
  startAuthorization,
  testConnection,
  toView,
  updateIntegrationInput,
} from '../../lib/oauth/index.ts';
import { services } from '../../lib/runtime/index.ts';

/** Integration ids are UUIDs; anything longer is not one and is not looked up. */
function integrationId(event: APIGatewayProxyEventV2): string {
  const id = pathParam(event, 'id');
  if (id.length > 64) throw new HttpProblem(404, 'INTEGRATION_NOT_FOUND', 'There is no OAuth 2.0 integration with that id.');
  return id;
}

/** /admin/integrations: the OAuth 2.0 mail integrations of design.md. */
export const handler = httpHandler({
  'POST /admin/integrations': async (event) => {
    const input = readJson(event, createIntegrationInput);
    const deps = await services();
    const view = await createIntegration(deps, input);
    return json(201, { ...view, warnings: redirectWarnings(deps.config) }, { location: `/admin/integrations/${view.id}` });
  },
  'GET /admin/integrations': async () => json(200, { integrations: await listIntegrationViews(await services()) }),
  'GET /admin/integrations/{id}': async (event) => {
    const deps = await services();
    return json(200, { ...(await getIntegrationView(deps, integrationId(event))), warnings: redirectWarnings(deps.config) });
  },
  'PATCH /admin/integrations/{id}': async (event) => {
    const input = readJson(event, updateIntegrationInput);
    const deps = await services();
    const result = await patchIntegration(deps, integrationId(event), input);
    return json(200, {
      ...result.integration,
      redirectUrlChanged: result.redirectUrlChanged,
      ...(result.notice === undefined ? {} : { notice: result.notice }),
      warnings: redirectWarnings(deps.config),
    });
  },
  'DELETE /admin/integrations/{id}': async (event) => {
    const id = integrationId(event);
    if (!(await deleteIntegration(await services(), id))) throw new IntegrationNotFoundError(id);
    return noContent();
  },
  'POST /admin/integrations/{id}/authorize': async (event) => json(200, await startAuthorization(await services(), integrationId(event))),
  'POST /admin/integrations/{id}/test': async (event) => json(200, await testConnection(await services(), integrationId(event))),
  'POST /admin/integrations/{id}/refresh': async (event) => {
    const deps = await services();
    const result = await refreshIntegration(deps, integrationId(event), { force: true });
    return json(200, toView(result.integration, deps.config.publicUrl));
  },
  'GET /admin/integrations/{id}/token': async (event) => json(200, await getAccessToken(await services(), integrationId(event))),
});
