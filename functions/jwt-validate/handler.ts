import { httpHandler, json, readJson } from '../../lib/http/index.ts';
import { connectVerifierFor } from '../../lib/jwt/compose.ts';
import { jwtValidateInput } from '../../lib/jwt/validate-input.ts';
import { toVerifyDocument } from '../../lib/jwt/verify-document.ts';
import { registerSecret } from '../../lib/observe/redact.ts';
import { services } from '../../lib/runtime/services.ts';


/**
 * POST /jwt/validate {token, method, url} -> the `jwt verify --json` document.
 *
 * An admin route, not a public one: its answers tell a caller which client keys are installed
 * (UNKNOWN_ISSUER against BAD_SIGNATURE) and it is an unlimited signature oracle; a tool for
 * the administrator diagnosing a proxy, not for the internet.
 */
export const handler = httpHandler({
  'POST /jwt/validate': async (event) => {
    const { token, method, url } = readJson(event, jwtValidateInput);
    registerSecret(token);
    const { config, secrets, clock } = await services();
    const result = await connectVerifierFor(secrets, clock, config.publicUrl).verify(token, { method, url });
    return json(200, toVerifyDocument(result));
  },
});
