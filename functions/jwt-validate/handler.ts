import * as z from 'zod';
import { HttpProblem, httpHandler, json, readJson } from '../../lib/http/index.ts';
import { connectVerifierFor } from '../../lib/jwt/compose.ts';
import { OidcRequestError } from '../../lib/jwt/oidc-errors.ts';
import { verifyOidcToken } from '../../lib/jwt/oidc-profile.ts';
import { MAX_TOKEN_LENGTH } from '../../lib/jwt/token.ts';
import { toVerifyDocument } from '../../lib/jwt/verify-document.ts';
import { registerSecret } from '../../lib/observe/redact.ts';
import { services } from '../../lib/runtime/services.ts';

const connectBody = z.object({
  profile: z.literal('connect').optional(),
  token: z.string().min(1),
  method: z.string().regex(/^[A-Za-z]{1,16}$/, 'an HTTP method such as GET'),
  url: z.string().min(1).max(16_384),
});

const oidcBody = z.object({
  profile: z.literal('oidc'),
  token: z.string().min(1).max(MAX_TOKEN_LENGTH),
  issuer: z.url().max(2048),
  audience: z.string().min(1).max(1024),
  jwksUrl: z.url().max(2048).optional(),
});

const profileOf = z.object({ profile: z.enum(['connect', 'oidc']).optional() });

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
    const { profile } = readJson(event, profileOf.loose());
    if (profile === 'oidc') {
      const { token, issuer, audience, jwksUrl } = readJson(event, oidcBody);
      registerSecret(token);
      const { config, trust, clock } = await services();
      try {
        const document = await verifyOidcToken(token, { issuer, audience, ...(jwksUrl === undefined ? {} : { jwksUrl }) }, { fetch: trust.fetch, allowLoopbackHttp: config.allowLoopbackHttp, clock });
        return json(200, document);
      } catch (error) {
        if (error instanceof OidcRequestError) throw new HttpProblem(400, error.code, error.message, { fix: error.fix });
        throw error;
      }
    }
    const { token, method, url } = readJson(event, connectBody);
    registerSecret(token);
    const { config, secrets, clock } = await services();
    const result = await connectVerifierFor(secrets, clock, config.publicUrl).verify(token, { method, url });
    return json(200, toVerifyDocument(result));
  },
});
