import * as z from 'zod/mini';
import { MAX_TOKEN_LENGTH } from './token.ts';

// zod/mini rather than zod: jwt-validate parses only these, and zod's classic API would be most of
// what the function compiles and builds at start (lib/runtime/config.ts registers the messages' locale).

/** POST /jwt/validate for a Connect request token: the token and the request it came with. */
export const connectValidateInput = z.object({
  profile: z.optional(z.literal('connect')),
  token: z.string().check(z.minLength(1)),
  method: z.string().check(z.regex(/^[A-Za-z]{1,16}$/, 'an HTTP method such as GET')),
  url: z.string().check(z.minLength(1), z.maxLength(16_384), z.describe('the path and query exactly as received, e.g. /issue-panel?issueKey=T-1')),
});

/** POST /jwt/validate for an OIDC / OAuth 2.0 JWT. */
export const oidcValidateInput = z.object({
  profile: z.literal('oidc'),
  token: z.string().check(z.minLength(1), z.maxLength(MAX_TOKEN_LENGTH)),
  issuer: z.url().check(z.maxLength(2048)),
  audience: z.string().check(z.minLength(1), z.maxLength(1024)),
  jwksUrl: z.optional(z.url().check(z.maxLength(2048))),
});

/** Either body; the handler picks the schema by `profile` (what the OpenAPI document shows). */
export const jwtValidateInput = z.union([connectValidateInput, oidcValidateInput]);
