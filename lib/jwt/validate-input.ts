import * as z from 'zod';
import { MAX_TOKEN_LENGTH } from './token.ts';

/** POST /jwt/validate for a Connect request token: the token and the request it came with. */
export const connectValidateInput = z.object({
  profile: z.literal('connect').optional(),
  token: z.string().min(1),
  method: z.string().regex(/^[A-Za-z]{1,16}$/, 'an HTTP method such as GET'),
  url: z.string().min(1).max(16_384).describe('the path and query exactly as received, e.g. /issue-panel?issueKey=T-1'),
});

/** POST /jwt/validate for an OIDC / OAuth 2.0 JWT. */
export const oidcValidateInput = z.object({
  profile: z.literal('oidc'),
  token: z.string().min(1).max(MAX_TOKEN_LENGTH),
  issuer: z.url().max(2048),
  audience: z.string().min(1).max(1024),
  jwksUrl: z.url().max(2048).optional(),
});

/** Either body; the handler picks the schema by `profile` (what the OpenAPI document shows). */
export const jwtValidateInput = z.union([connectValidateInput, oidcValidateInput]);
