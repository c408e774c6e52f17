import { fixFor } from './catalogue.ts';
import { type Candidate, encodeChars, ESCAPE, type ReceivedRequest, shown, subsetsWholeFirst, type TransformationFamily } from './candidate.ts';

/**
 * Apache httpd 2.4 mod_proxy without `nocanon`: the backend path is the decoded path re-encoded
 * by `ap_proxy_canonenc`, which leaves `~ ! $ & ' ( ) * + , ; = : @` literal (so their escapes
 * arrive decoded) and writes every other escape in upper-case hex. With
 * `AllowEncodedSlashes On` an encoded `/` arrives decoded too. Which settings cause each
 * variant, and their fixes, live in the catalogue.
 */

/** Characters whose escapes Apache's canonicalisation decodes. `&` is left out: the canonical path re-encodes it anyway. */
const DECODED = ['~', '!', '$', "'", '(', ')', '*', '+', ',', ';', '=', ':', '@'];

/** nginx with a URI part in proxy_pass sends exactly the same path for these escapes (checked on the real servers). */
const ALSO_NGINX = ' nginx does the same with a URI part in proxy_pass or after a rewrite.';

export const apacheModProxy: TransformationFamily = {
  id: 'apache-mod-proxy',
  budget: 122,
  *candidates(received: ReceivedRequest): Generator<Candidate> {
    yield* unescapedPercent(received);
    const present = DECODED.filter((char) => received.path.includes(char));
    const hasLowerable = [...received.path.matchAll(ESCAPE)].some(([escape]) => /[A-F]/.test(escape));
    for (const subset of subsetsWholeFirst(present, 60)) {
      const path = encodeChars(received.path, new Set(subset));
      const escapes = subset.map((char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`).join(' ');
      const base = {
        method: received.method,
        basePath: received.basePath,
        params: received.params,
      };
      yield {
        ...base,
        path,
        transformation: 'apache-mod-proxy/decoded-path',
        explanation:
          `Apache httpd's mod_proxy (a ProxyPass line without "nocanon", or a RewriteRule with [P]) decoded ${escapes} in the path before passing the request on: ` +
          `Jira signed "${shown(path)}" but Trustline received "${shown(received.path)}".${ALSO_NGINX}`,
        fix: fixFor('apache-mod-proxy/decoded-path'),
      };
      if (hasLowerable) {
        const lowered = path.replace(ESCAPE, (escape) => escape.toLowerCase());
        yield {
          ...base,
          path: lowered,
          transformation: 'apache-mod-proxy/decoded-and-upper-cased-path',
          explanation:
            `Apache httpd's mod_proxy (a ProxyPass line without "nocanon", or a RewriteRule with [P]) decoded ${escapes} in the path and rewrote the other escapes in upper case: ` +
            `Jira signed "${shown(lowered)}" but Trustline received "${shown(received.path)}".${ALSO_NGINX}`,
          fix: fixFor('apache-mod-proxy/decoded-and-upper-cased-path'),
        };
      }
    }
    yield* encodedSlashes(received);
  },
};

/** A `%` that starts no escape: the path went out decoded and never re-encoded (`RewriteRule … [P,NE]`). */
const LONE_PERCENT = /%(?![0-9A-Fa-f]{2})/g;

/** Puts back `%25` alone, then with every character the rule decoded re-escaped as well. */
function* unescapedPercent(received: ReceivedRequest): Generator<Candidate> {
  if (!received.path.includes('%') || received.path.replace(LONE_PERCENT, '') === received.path) return;
  const percent = received.path.replace(LONE_PERCENT, '%25');
  const everything = encodeChars(percent, new Set([...DECODED, '[', ']']));
  for (const path of new Set([percent, everything])) {
    yield {
      method: received.method,
      path,
      basePath: received.basePath,
      params: received.params,
      transformation: 'apache-mod-proxy/unescaped-percent',
      explanation:
        `The path reached Trustline with a bare "%" that Jira signed as %25: a proxy decoded the path and sent it on without re-encoding it, ` +
        `as Apache does with a RewriteRule [P,NE] built from a $1 backreference. Jira signed "${shown(path)}" but Trustline received "${shown(received.path)}".`,
      fix: fixFor('apache-mod-proxy/unescaped-percent'),
    };
  }
}

/** `AllowEncodedSlashes On` decodes `%2F`: try each slash after the first as the encoded one. */
function* encodedSlashes(received: ReceivedRequest): Generator<Candidate> {
  const path = received.path;
  for (let i = path.indexOf('/', 1), tried = 0; i !== -1 && tried < 16; i = path.indexOf('/', i + 1), tried++) {
    const original = `${path.slice(0, i)}%2F${path.slice(i + 1)}`;
    yield {
      method: received.method,
      path: original,
      basePath: received.basePath,
      params: received.params,
      transformation: 'apache-mod-proxy/decoded-slash',
      explanation:
        `A proxy decoded an encoded slash (%2F) in the path, as Apache does with "AllowEncodedSlashes On" and nginx with a URI part in proxy_pass: ` +
        `Jira signed "${shown(original)}" but Trustline received "${shown(path)}".`,
      fix: fixFor('apache-mod-proxy/decoded-slash'),
    };
  }
}
