import * as z from 'zod';

/** The body of POST /jwt/validate: a Connect request token and the request it came with. */
export const jwtValidateInput = z.object({
  token: z.string().min(1),
  method: z.string().regex(/^[A-Za-z]{1,16}$/, 'an HTTP method such as GET'),
  url: z.string().min(1).max(16_384).describe('the path and query exactly as received, e.g. /issue-panel?issueKey=T-1'),
});
