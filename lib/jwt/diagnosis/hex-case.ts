import { fixFor } from './catalogue.ts';
import { type Candidate, ESCAPE, type ReceivedRequest, shown, type TransformationFamily } from './candidate.ts';

/**
 * A normalising proxy rewrote the hex digits of the path's escapes (`%c3%a9` ↔ `%C3%A9`). The
 * qsh hashes the path byte for byte, so the case of an escape matters.
 */
export const hexCase: TransformationFamily = {
  id: 'hex-case',
  budget: 2,
  *candidates(received: ReceivedRequest): Generator<Candidate> {
    const variants = [
      { signed: 'lower', made: 'upper', path: received.path.replace(ESCAPE, (e) => e.toLowerCase()) },
      { signed: 'upper', made: 'lower', path: received.path.replace(ESCAPE, (e) => e.toUpperCase()) },
    ];
    for (const { signed, made, path } of variants) {
      if (path === received.path) continue;
      yield {
        method: received.method,
        path,
        basePath: received.basePath,
        params: received.params,
        transformation: `hex-case/${made}-cased-escapes`,
        explanation:
          `A proxy rewrote the percent-escapes of the path in ${made} case: Jira signed "${shown(path)}" (${signed}-case escapes) ` +
          `but Trustline received "${shown(received.path)}". The qsh covers the path exactly as sent, so even the case of %xx matters.`,
        fix: fixFor(`hex-case/${made}-cased-escapes`),
      };
    }
  },
};
