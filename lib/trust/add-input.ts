import * as z from 'zod/mini';

// zod/mini: a schema of zod's classic API costs far more to build when the module loads, which every
// function reaching this one pays at start (lib/runtime/config.ts registers the messages' locale).

/** The body of POST /admin/trust: one PEM certificate and an optional alias. */
export const trustAddInput = z.strictObject({
  pem: z
    .string()
    .check(z.minLength(1), z.maxLength(60_000), z.describe('one PEM certificate (-----BEGIN CERTIFICATE----- …), as a JSON string with \\n line breaks')),
  alias: z
    .optional(z.string().check(z.minLength(1), z.maxLength(64), z.regex(/^[A-Za-z0-9._-]+$/, 'letters, digits, dot, dash and underscore only')))
    .check(z.describe("the entry's alias; default trustline-<name>-<fingerprint prefix>")),
});
