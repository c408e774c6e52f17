import { basePathOf, canonicalMethod, canonicalPath, type RequestTarget, splitRawUrl } from '../canonical-request.ts';
import type { Diagnosis } from '../errors.ts';
import { qshOfCanonical } from '../qsh.ts';
import { canonicalQuery, parseRawQuery } from '../query.ts';
import { apacheModProxy } from './apache-mod-proxy.ts';
import { basePath } from './base-path.ts';
import type { Candidate, ReceivedRequest, TransformationFamily } from './candidate.ts';
import { hexCase } from './hex-case.ts';
import { method } from './method.ts';
import { nginx } from './nginx.ts';
import { normalisedPath, unrecoverableNormalisation } from './normalised-path.ts';
import { repeatedParams } from './repeated-params.ts';

/**
 * Explains a qsh mismatch: recomputes the qsh of the requests Jira may have signed before a
 * known proxy transformation changed them, and reports the first that matches the token.
 * Families are tried from the most common cause (the seed's Apache) to the least.
 */
export const families: readonly TransformationFamily[] = [apacheModProxy, nginx, hexCase, normalisedPath, basePath, repeatedParams, method];

/** Hard cap on qsh computations per diagnosis, whatever the families propose. */
export const MAX_CANDIDATES = 300;

/**
 * The transformation that explains why `request` does not hash to `tokenQsh`; when none matches
 * exactly, the hedged normalisation answer unless the path shows it was forwarded raw.
 */
export function diagnoseQshMismatch(request: RequestTarget, baseUrl: string | undefined, tokenQsh: string): Diagnosis | undefined {
  const { path, query } = splitRawUrl(request.url);
  const received: ReceivedRequest = { method: request.method, path, basePath: basePathOf(baseUrl), params: parseRawQuery(query) };
  const tried = new Set<string>([canonicalOf(received)]);
  for (const family of families) {
    let proposed = 0;
    for (const candidate of family.candidates(received)) {
      if (proposed >= family.budget || tried.size > MAX_CANDIDATES) break;
      proposed += 1;
      const canonical = canonicalOf(candidate);
      if (tried.has(canonical)) continue;
      tried.add(canonical);
      if (qshOfCanonical(canonical) === tokenQsh) {
        return { explanation: candidate.explanation, matchedTransformation: candidate.transformation, fix: candidate.fix };
      }
    }
  }
  return unrecoverableNormalisation(received);
}

function canonicalOf(request: ReceivedRequest | Candidate): string {
  return `${canonicalMethod(request.method)}&${canonicalPath(request.path, request.basePath)}&${canonicalQuery(request.params)}`;
}

export { CAUSES, causesOf, fixFor, SETTINGS, type ProxyKind, type ProxySetting, type SettingId } from './catalogue.ts';
