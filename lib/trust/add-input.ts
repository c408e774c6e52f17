import * as z from 'zod';

/** The body of POST /admin/trust: one PEM certificate and an optional alias. */
export const trustAddInput = z
  .object({
    pem: z.string().min(1).max(60_000).describe('one PEM certificate (-----BEGIN CERTIFICATE----- …), as a JSON string with \\n line breaks'),
    alias: z
      .string()
      .min(1)
      .max(64)
      .regex(/^[A-Za-z0-9._-]+$/, 'letters, digits, dot, dash and underscore only')
      .optional()
      .describe("the entry's alias; default trustline-<name>-<fingerprint prefix>"),
  })
  .strict();
