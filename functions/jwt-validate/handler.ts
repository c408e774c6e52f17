import * as z from 'zod/mini';
import { httpHandler, json, readJson } from '../../lib/http/index.ts';
import { connectVerifierFor, verifyOidcToken, connectValidateInput, oidcValidateInput, toVerifyDocument } from '../../lib/jwt/index.ts';
import { registerSecret } from '../../lib/observe/index.ts';
import { services } from '../../lib/runtime/index.ts';

// Built once: zod compiles a schema on its first parse, so a schema made per request is compiled per request.
const profileOf = z.looseObject({ profile: z.optional(z.enum(['connect', 'oidc'])) });

/**
 * POST /jwt/validate {token, method, url} -> the `jwt verify --json` document;
 * {profile: "oidc", token, issuer, audience, jwksUrl?} for OIDC / OAuth 2.0 JWTs.
 *
 * An admin route, not a public one: its answers tell a caller which client keys are installed
 * (UNKNOWN_ISSUER against BAD_SIGNATURE) and it is an unlimited signature oracle; a tool for
 * the administrator diagnosing a proxy, not for the internet.
 */
export const handler = httpHandler({
  'POST /jwt/validate': async (event) => {
    const { profile } = readJson(event, profileOf);
    if (profile === 'oidc') {
      const { token, issuer, audience, jwksUrl } = readJson(event, oidcValidateInput);
      registerSecret(token);
      const { config, trust, clock } = await services();
      const document = await verifyOidcToken(
        token,
        { issuer, audience, ...(jwksUrl === undefined ? {} : { jwksUrl }) },
        { fetch: trust.fetch, allowLoopbackHttp: config.allowLoopbackHttp, clock },
      );
      return json(200, document);
    }
    const { token, method, url } = readJson(event, connectValidateInput);
    registerSecret(token);
    const { config, secrets, clock } = await services();
    const result = await connectVerifierFor(secrets, clock, config.publicUrl).verify(token, { method, url });
    return json(200, toVerifyDocument(result));
  },
});
