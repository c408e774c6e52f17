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

/**
 * A lifecycle failure for an anonymous caller: the status and stable code of jwtProblem, in
 * words that say nothing of the key server, the network or the stored installation (the log
 * keeps the details for the administrator).
 */
export function anonymousLifecycleProblem(error: JwtError): HttpProblem {
  if (error instanceof KeyUnavailableError && error.retryable) {
    return new HttpProblem(503, error.code, 'The key to check this lifecycle call is not available just now; Jira retries lifecycle calls.', {}, { cause: error });
  }
  return new HttpProblem(401, error.code, `The lifecycle call was refused (${error.code}); the Trustline log has the details.`, {}, { cause: error });
}
