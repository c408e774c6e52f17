import { canonicalRequest, type RequestTarget } from './canonical-request.ts';
import { diagnoseQshMismatch } from './diagnosis/index.ts';
import { MissingQshError, QshMismatchError } from './errors.ts';
import { CONTEXT_QSH, qshOfCanonical } from './qsh.ts';
import type { JwtPayload } from './token.ts';

/**
 * Requires the token's qsh to be this request's hash (or `context-qsh` where context tokens
 * are allowed). A mismatch carries our canonical request and, when one is found, the proxy
 * transformation that explains it. Call only after the signature was verified: the diagnosis
 * costs a few hundred hashes.
 */
export function checkQshClaim(payload: JwtPayload, request: RequestTarget, baseUrl: string | undefined, allowContextQsh: boolean): void {
  const received = payload.qsh;
  if (typeof received !== 'string' || received === '') throw new MissingQshError();
  if (received === CONTEXT_QSH && allowContextQsh) return;
  const canonical = canonicalRequest(request, baseUrl);
  const expected = qshOfCanonical(canonical);
  if (expected === received) return;
  if (received === CONTEXT_QSH) {
    throw new QshMismatchError(
      expected,
      received,
      canonical,
      undefined,
      'This is a context token (qsh "context-qsh", from AP.context.getToken()); this endpoint accepts only tokens signed for the exact request.',
    );
  }
  throw new QshMismatchError(expected, received, canonical, diagnoseQshMismatch(request, baseUrl, received));
}
