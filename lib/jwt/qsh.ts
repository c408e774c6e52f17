import { hash } from 'node:crypto';
import { canonicalRequest, type RequestTarget } from './canonical-request.ts';

/** The literal qsh of Connect context tokens (`AP.context.getToken()`): not a hash, binds to no request. */
export const CONTEXT_QSH = 'context-qsh';

/** Lower-case hex SHA-256 of a canonical request's UTF-8 bytes. */
export function qshOfCanonical(canonical: string): string {
  // The one-shot hash: no Hash object per request.
  return hash('sha256', canonical, 'hex');
}

/**
 * The qsh claim a Connect token for this request must carry.
 *
 * @example qsh({ method: 'GET', url: '/test?param=value' }) // 'be16910858a41fd19ea5c1b4e9decca9a784d1024cb00b2158defe2f29dc86dd'
 */
export function qsh(request: RequestTarget, baseUrl?: string): string {
  return qshOfCanonical(canonicalRequest(request, baseUrl));
}
