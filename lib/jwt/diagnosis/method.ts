import { fixFor } from './catalogue.ts';
import type { Candidate, ReceivedRequest, TransformationFamily } from './candidate.ts';

/**
 * nginx's proxy cache turns HEAD into GET towards the backend (`proxy_cache_convert_head on`,
 * the default), so a token signed for HEAD arrives on a GET.
 */
export const method: TransformationFamily = {
  id: 'method',
  budget: 1,
  *candidates(received: ReceivedRequest): Generator<Candidate> {
    const signed = received.method.toUpperCase() === 'GET' ? 'HEAD' : received.method.toUpperCase() === 'HEAD' ? 'GET' : undefined;
    if (signed === undefined) return;
    yield {
      method: signed,
      path: received.path,
      basePath: received.basePath,
      params: received.params,
      transformation: `method/${signed.toLowerCase()}-became-${received.method.toLowerCase()}`,
      explanation: `Jira signed a ${signed} request but Trustline received ${received.method.toUpperCase()}: a caching proxy changed the method (nginx's proxy_cache sends HEAD as GET).`,
      fix: fixFor(`method/${signed.toLowerCase()}-became-${received.method.toLowerCase()}`),
    };
  },
};
