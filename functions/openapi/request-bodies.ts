import type * as z from 'zod';
import { installedPayloadSchema, uninstalledPayloadSchema } from '../../lib/jwt/lifecycle.ts';
import { jwtValidateInput } from '../../lib/jwt/validate-input.ts';
import { createIntegrationInput, updateIntegrationInput } from '../../lib/oauth/integration.ts';
import { endpointInput } from '../../lib/tls/endpoints.ts';
import { trustAddInput } from '../../lib/trust/add-input.ts';

/**
 * The zod schema each route's handler validates its JSON body with (readJson), by API
 * Gateway route key. The OpenAPI document is generated from these very objects, so it
 * cannot drift from what the handlers accept.
 */
export const REQUEST_BODIES: Readonly<Record<string, z.ZodType>> = {
  'POST /admin/integrations': createIntegrationInput,
  'PATCH /admin/integrations/{id}': updateIntegrationInput,
  'POST /admin/trust': trustAddInput,
  'POST /admin/endpoints': endpointInput,
  'POST /jwt/validate': jwtValidateInput,
  'POST /connect/installed': installedPayloadSchema,
  'POST /connect/uninstalled': uninstalledPayloadSchema,
};
