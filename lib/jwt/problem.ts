import { HttpProblem } from '../http/problem.ts';
import { JwtError, KeyUnavailableError, QshMismatchError } from './errors.ts';

/**
 * A JWT failure as an HTTP problem: 401 with the stable code, the plain message and the fix;
 * 503 when the key server could not be reached (Jira retries lifecycle calls). Never carries the token.
 */
export function jwtProblem(error: JwtError): HttpProblem {
  const status = error instanceof KeyUnavailableError && error.retryable ? 503 : 401;
  const extra: Record<string, unknown> = {};
  if (error.fix !== undefined) extra.fix = error.fix;
  if (error instanceof QshMismatchError) {
    extra.canonicalRequest = error.canonicalRequest;
    if (error.diagnosis !== undefined) extra.diagnosis = error.diagnosis;
  }
  return new HttpProblem(status, error.code, error.message, extra, { cause: error });
}
