import type * as z from 'zod';
import { installedPayloadSchema, uninstalledPayloadSchema, jwtValidateInput } from '../../lib/jwt/index.ts';
import { createIntegrationInput, updateIntegrationInput } from '../../lib/oauth/index.ts';
import { endpointInput } from '../../lib/tls/index.ts';
import { trustAddInput } from '../../lib/trust/index.ts';

/**
 * The zod schema each route's handler validates its JSON body with (readJson), by API
 * Gateway route key. The OpenAPI document is generated from these very objects, so it
 * cannot drift from what the handlers accept.
 */
export const REQUEST_BODIES: Readonly<Record<string, z.core.$ZodType>> = {
  'POST /admin/integrations': createIntegrationInput,
  'PATCH /admin/integrations/{id}': updateIntegrationInput,
  'POST /admin/trust': trustAddInput,
  'POST /admin/endpoints': endpointInput,
  'POST /jwt/validate': jwtValidateInput,
  'POST /connect/installed': installedPayloadSchema,
  'POST /connect/uninstalled': uninstalledPayloadSchema,
};
