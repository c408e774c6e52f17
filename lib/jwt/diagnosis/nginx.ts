import { fixFor } from './catalogue.ts';
import { type Candidate, encodeChars, type ReceivedRequest, shown, subsetsWholeFirst, type TransformationFamily } from './candidate.ts';

/**
 * nginx `proxy_pass` with a URI part (or after a `rewrite`) sends the normalised, decoded path,
 * re-escaping only controls, space, `" # % < > ? \ ^ ` { | }` and non-ASCII bytes: unlike
 * Apache's canonicalisation it leaves `[` and `]` decoded. Candidates here are the ones that
 * family cannot produce. Apache's `RewriteRule … [P,NE]` leaves them decoded too (seen on the
 * real server), so a match names both.
 */

const DECODED = ['[', ']', '~', '!', '$', "'", '(', ')', '*', '+', ',', ';', '=', ':', '@'];
const NGINX_ONLY = new Set(['[', ']']);

export const nginx: TransformationFamily = {
  id: 'nginx',
  budget: 60,
  *candidates(received: ReceivedRequest): Generator<Candidate> {
    const present = DECODED.filter((char) => received.path.includes(char));
    if (!present.some((char) => NGINX_ONLY.has(char))) return;
    for (const subset of subsetsWholeFirst(present, 60)) {
      if (!subset.some((char) => NGINX_ONLY.has(char))) continue;
      const path = encodeChars(received.path, new Set(subset));
      yield {
        method: received.method,
        path,
        basePath: received.basePath,
        params: received.params,
        transformation: 'nginx/proxy-pass-uri-decoded-path',
        explanation:
          `nginx decoded the path before passing it on (proxy_pass with a URI part, or a rewrite, sends the normalised path): ` +
          `Jira signed "${shown(path)}" but Trustline received "${shown(received.path)}". ` +
          'Apache does the same with a RewriteRule [P,NE] built from a $1 backreference.',
        fix: fixFor('nginx/proxy-pass-uri-decoded-path'),
      };
    }
  },
};
