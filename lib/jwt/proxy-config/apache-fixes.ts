import type { Directive } from './directive.ts';
import { type ProxyFix, quoted } from './finding.ts';

/**
 * The fixes of the Apache findings, written from the flagged directive (its own path, backend
 * and pattern), so that the lines proxy-check prints can be pasted over the ones it flags.
 */

/** The request line's raw path, captured as %1 for the RewriteRule that follows. */
const RAW_PATH_CONDITION = 'RewriteCond %{THE_REQUEST} "^\\S+ (/[^? ]*)"';

export function addNocanon(proxyPass: Directive): ProxyFix {
  const line = `${proxyPass.text} nocanon`;
  return { fix: `Add "nocanon" at the end of the line: "${line}" (keep the ProxyPassReverse line).`, change: { action: 'replace', lines: [line] } };
}

/** A proxying RewriteRule rewritten to send the path of the request line, untouched. */
export function rawPathRewrite(rule: Directive): ProxyFix {
  const [pattern = '^', substitution = ''] = rule.args;
  const backend = origin(substitution);
  const lines = [RAW_PATH_CONDITION, `RewriteRule ${apacheWord(pattern)} ${backend}%1 [P,NE]`];
  return {
    fix: `Take the path from the request line, not from the decoded URL: replace the line with ${quoted(lines)} (or proxy with "ProxyPass / ${backend}/ nocanon").`,
    change: { action: 'replace', lines },
  };
}

/** AllowEncodedSlashes NoDecode in place of the flagged one, or added where it is missing. */
export function encodedSlashesNoDecode(at: Directive, why: string): ProxyFix {
  const line = 'AllowEncodedSlashes NoDecode';
  if (at.name.toLowerCase() === 'allowencodedslashes') return { fix: `Change the line to "${line}" ${why}.`, change: { action: 'replace', lines: [line] } };
  const where = at.children === undefined ? 'after this line' : `inside <${at.name}>`;
  return { fix: `Add "${line}" ${where} ${why}.`, change: { action: 'insert-after', lines: [line] } };
}

/** `http://backend:8080` of `http://backend:8080/$1`: scheme and authority, variables included. */
function origin(url: string): string {
  return /^[a-z][a-z0-9+.-]*:\/\/[^/]*/i.exec(url)?.[0] ?? url;
}

/** A word as Apache reads it back: quoted when it holds a space or a quote. */
function apacheWord(word: string): string {
  return /[\s"]/.test(word) ? `"${word.replace(/(["\\])/g, '\\$1')}"` : word;
}
