import { fixFor } from './catalogue.ts';
import { type Candidate, type ReceivedRequest, shown, type TransformationFamily } from './candidate.ts';

/**
 * A proxy that normalises the path (Apache without "nocanon", nginx with a URI part in
 * proxy_pass) merges doubled slashes and resolves dot segments. A merged slash can be put back
 * (try doubling each one); a resolved "/../" cannot, because the segment it removed is gone.
 * `unrecoverable` says so when nothing else matched.
 */
export const normalisedPath: TransformationFamily = {
  id: 'normalised-path',
  budget: 17,
  *candidates(received: ReceivedRequest): Generator<Candidate> {
    const path = received.path;
    const slashes = [...path.matchAll(/\//g)].map((match) => match.index);
    const doubled = (positions: readonly number[]) => positions.reduceRight((out, i) => `${out.slice(0, i)}/${out.slice(i)}`, path);
    const originals = [doubled(slashes), ...slashes.slice(0, 16).map((i) => doubled([i]))];
    for (const original of originals) {
      yield {
        method: received.method,
        path: original,
        basePath: received.basePath,
        params: received.params,
        transformation: 'normalised-path/merged-slashes',
        explanation:
          `A proxy merged doubled slashes in the path: Jira signed "${shown(original)}" but Trustline received "${shown(path)}". ` +
          'Apache does this without "nocanon"; nginx with a URI part in proxy_pass or after a rewrite, unless merge_slashes is off.',
        fix: fixFor('normalised-path/merged-slashes'),
      };
    }
  },
};

/** A dot segment (`.` or `..`, also escaped) anywhere in a raw path. */
const DOT_SEGMENT = /(^|\/)(\.|%2e){1,2}(\/|$)/i;

/**
 * The hedged answer when no candidate matched: a normalising proxy may have resolved dot
 * segments or merged slashes. Only offered when the received path shows no sign of having been
 * forwarded raw: a path that still holds a dot segment was not normalised.
 */
export function unrecoverableNormalisation(received: ReceivedRequest): { explanation: string; matchedTransformation: string; fix: string } | undefined {
  if (DOT_SEGMENT.test(received.path)) return undefined;
  const merged = !received.path.includes('//');
  return {
    matchedTransformation: 'normalised-path/unrecoverable',
    explanation:
      `No known transformation of "${shown(received.path)}" matches the token exactly. If the URL Jira signed held dot segments ("/./", "/../")` +
      `${merged ? ' or doubled slashes' : ''}, a proxy may have resolved ${merged ? 'or merged them' : 'them'} before passing the request on, ` +
      'and that cannot be undone from the URL Trustline received. Apache does this without "nocanon", nginx with a URI part in proxy_pass or after a rewrite' +
      `${merged ? ' (merge_slashes on, the default, also merges slashes)' : ''}.`,
    fix: fixFor('normalised-path/unrecoverable'),
  };
}
