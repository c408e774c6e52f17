import { type Candidate, type ReceivedRequest, shown, type TransformationFamily } from './candidate.ts';

/**
 * The path Jira signed is relative to the app descriptor's baseUrl. When Trustline's base URL
 * (TRUSTLINE_PUBLIC_URL) has another path than the descriptor's, or a proxy or API Gateway
 * stage adds a prefix the descriptor does not know, the relative paths differ.
 */
export const basePath: TransformationFamily = {
  id: 'base-path',
  budget: 4,
  *candidates(received: ReceivedRequest): Generator<Candidate> {
    const relative = received.basePath !== '' && received.path.startsWith(received.basePath) ? received.path.slice(received.basePath.length) : received.path;
    // A prefix Jira did not sign: try dropping the first one, two or three segments.
    const segments = relative.split('/').slice(1, -1);
    for (let count = 1; count <= Math.min(3, segments.length); count++) {
      const prefix = `/${segments.slice(0, count).join('/')}`;
      yield {
        method: received.method,
        path: received.path,
        basePath: received.basePath + prefix,
        params: received.params,
        transformation: 'base-path/extra-prefix',
        explanation:
          `The request reached Trustline under the prefix "${prefix}" that Jira did not sign: Jira signed "${shown(relative.slice(prefix.length))}" relative to the app's baseUrl. ` +
          'An API Gateway stage, a proxy location, or a base URL configured without its path adds such a prefix.',
        fix: `Make the base URL agree with the app descriptor: set TRUSTLINE_PUBLIC_URL to the descriptor's baseUrl including "${received.basePath + prefix}", or have the proxy (or a custom domain mapping) strip "${prefix}".`,
      };
    }
    if (received.basePath !== '') {
      yield {
        method: received.method,
        path: received.path,
        basePath: '',
        params: received.params,
        transformation: 'base-path/not-in-descriptor',
        explanation: `Jira signed the full path "${shown(received.path)}": the app descriptor's baseUrl does not end in "${received.basePath}", but Trustline's base URL does, so Trustline removed it before hashing.`,
        fix: `Set TRUSTLINE_PUBLIC_URL to exactly the descriptor's baseUrl (without "${received.basePath}"), or change the descriptor's baseUrl to end in "${received.basePath}".`,
      };
    }
  },
};
