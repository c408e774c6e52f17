import type { Directive } from './directive.ts';
import { type ProxyFix, quoted } from './finding.ts';

/**
 * The fixes of the nginx findings, written from the flagged directive (its own upstream and
 * location), so that the lines proxy-check prints can be pasted over the ones it flags.
 */

/** proxy_pass without its URI part; `uri` is that part, `location` the block it is in. */
export function dropUriPart(proxyPass: Directive, uri: string, location: Directive | undefined): ProxyFix {
  const target = proxyPass.args[0] ?? '';
  const backend = target.slice(0, target.length - uri.length);
  const line = `proxy_pass ${nginxWord(backend)};`;
  const prefix = location?.args.at(-1);
  // proxy_pass http://app/; in `location /jira/` maps /jira/x to /x; without the URI part /jira/x goes on as is.
  const moves = prefix !== undefined && location?.args.length === 1 && prefix !== uri;
  return {
    fix:
      `Drop the URI part so nginx forwards the request line untouched: "${line}" (or pass it explicitly: "proxy_pass ${nginxWord(`${backend}$request_uri`)};"). ` +
      (moves ? `The app then receives paths starting with "${prefix}" instead of "${uri}": serve it under "${prefix}" (its context path) first. ` : '') +
      '"merge_slashes off" alone keeps doubled slashes but nothing else.',
    change: { action: 'replace', lines: [line] },
  };
}

/** Deleting a rewrite that runs before `proxyPass`. */
export function removeRewrite(proxyPass: Directive): ProxyFix {
  const target = proxyPass.args[0] ?? '';
  const backend = target.replace(/^([a-z]+:\/\/[^/]*).*$/i, '$1');
  return {
    fix: `Remove the rewrite so proxy_pass forwards the request line untouched; if it must stay, pass the original URI on instead: "proxy_pass ${nginxWord(`${backend}$request_uri`)};".`,
    change: { action: 'replace', lines: [] },
  };
}

export function addConvertHeadOff(): ProxyFix {
  const lines = ['proxy_cache_convert_head off;'];
  return { fix: `Add ${quoted(lines)} after this line, or do not cache the app's requests.`, change: { action: 'insert-after', lines } };
}

/** A word as nginx reads it back: quoted when it holds a space, a quote, ";" or a brace. */
function nginxWord(word: string): string {
  return /[\s"';{}]/.test(word) ? `"${word.replace(/(["\\])/g, '\\$1')}"` : word;
}
