/**
 * THE catalogue of proxy settings that change a request's URL on its way to the app, and of
 * the transformations each causes. One source for both readers: the qsh diagnosis (a token
 * arrived, which setting explains the difference?) and `jwt proxy-check` (a configuration is
 * in hand, which of its settings will break qsh?). Every entry was checked against Debian's
 * Apache httpd 2.4 and nginx 1.22 by test/e2e/proxies.
 */

export type ProxyKind = 'apache' | 'nginx';

export type SettingId =
  | 'apache/proxypass-canon'
  | 'apache/rewrite-proxy'
  | 'apache/rewrite-proxy-noescape'
  | 'apache/encoded-slashes-on'
  | 'apache/encoded-slashes-off'
  | 'nginx/proxy-pass-uri'
  | 'nginx/rewrite'
  | 'nginx/proxy-cache-head';

/** A proxy setting and what it does to the URL. */
export interface ProxySetting {
  readonly id: SettingId;
  readonly kind: ProxyKind;
  /** The directive that carries it, as the manual spells it. */
  readonly directive: string;
  /** What the setting does to the request, in plain words. */
  readonly problem: string;
  /** The change that stops it; quoted directives are meant to be copied. */
  readonly fix: string;
  /**
   * `breaks-qsh`: the request reaches the app changed, and its token no longer matches.
   * `refuses`: the proxy answers an error itself for some URLs; the app never sees them.
   */
  readonly effect: 'breaks-qsh' | 'refuses';
}

const APACHE_CANON =
  'Apache decodes the path, resolves dot segments ("/./", "/../"), merges doubled slashes and re-encodes the result its own way ' +
  '(%7E %21 %24 %27 %28 %29 %2A %2B %2C %3A %3B %3D %40 arrive decoded, other escapes in upper case)';

/** Where a fix names the app's address it cannot know: `jwt proxy-check` prints the line with the real one. */
const EXACT_LINE = '`npx trustline jwt proxy-check <your configuration file>` prints the exact line for your configuration.';

const RAW_REWRITE =
  'Take the path from the request line, not from the decoded URL: "RewriteCond %{THE_REQUEST} "^\\S+ (/[^? ]*)"" followed by ' +
  `"RewriteRule ^ http://BACKEND%1 [P,NE]" (or proxy with "ProxyPass / http://BACKEND/ nocanon"), BACKEND being the app's host:port as your rule has it.`;

export const SETTINGS: Readonly<Record<SettingId, ProxySetting>> = {
  'apache/proxypass-canon': {
    id: 'apache/proxypass-canon',
    kind: 'apache',
    directive: 'ProxyPass',
    problem: `A ProxyPass line without "nocanon": ${APACHE_CANON}. With "AllowEncodedSlashes NoDecode" it also refuses a path holding %25 with 400.`,
    fix: `Add "nocanon" at the end of the ProxyPass line, after its backend URL: "ProxyPass / http://BACKEND/ nocanon" (keep the ProxyPassReverse line).`,
    effect: 'breaks-qsh',
  },
  'apache/rewrite-proxy': {
    id: 'apache/rewrite-proxy',
    kind: 'apache',
    directive: 'RewriteRule',
    problem: `A RewriteRule with [P] and without [NE] proxies like ProxyPass without "nocanon": ${APACHE_CANON}.`,
    fix: RAW_REWRITE,
    effect: 'breaks-qsh',
  },
  'apache/rewrite-proxy-noescape': {
    id: 'apache/rewrite-proxy-noescape',
    kind: 'apache',
    directive: 'RewriteRule',
    problem:
      'A RewriteRule with [P,NE] that builds the URL from $1-style backreferences sends the decoded path without re-encoding it: ' +
      'escapes such as %7E, %5B and %5D arrive decoded, dot segments resolved, and a space or non-ASCII character makes Apache or the app refuse the request.',
    fix: RAW_REWRITE,
    effect: 'breaks-qsh',
  },
  'apache/encoded-slashes-on': {
    id: 'apache/encoded-slashes-on',
    kind: 'apache',
    directive: 'AllowEncodedSlashes',
    problem: '"AllowEncodedSlashes On" decodes %2F in the path, and a proxy rule that re-encodes the path sends it as "/".',
    fix: 'Set "AllowEncodedSlashes NoDecode" so Apache keeps %2F as it came (and add "nocanon" to ProxyPass).',
    effect: 'breaks-qsh',
  },
  'apache/encoded-slashes-off': {
    id: 'apache/encoded-slashes-off',
    kind: 'apache',
    directive: 'AllowEncodedSlashes',
    problem: '"AllowEncodedSlashes Off" (the default) answers 404 itself to every path with an encoded slash (%2F); the app never sees the request.',
    fix: 'Set "AllowEncodedSlashes NoDecode" in the virtual host if the app\'s URLs can contain %2F.',
    effect: 'refuses',
  },
  'nginx/proxy-pass-uri': {
    id: 'nginx/proxy-pass-uri',
    kind: 'nginx',
    directive: 'proxy_pass',
    problem:
      'proxy_pass with a URI part (even a lone "/") sends the normalised path: decoded, dot segments resolved, doubled slashes merged (unless merge_slashes is off), ' +
      'and re-escaped only where nginx must (space, %, non-ASCII in upper case), so %7E %21 %28 %29 %5B %5D and the like arrive decoded.',
    fix:
      'Drop the URI part so nginx forwards the request line untouched: "proxy_pass http://BACKEND;" instead of "proxy_pass http://BACKEND/;" ' +
      '(or pass it explicitly: "proxy_pass http://BACKEND$request_uri;"), BACKEND being the upstream as your line has it. "merge_slashes off" alone keeps doubled slashes but nothing else.',
    effect: 'breaks-qsh',
  },
  'nginx/rewrite': {
    id: 'nginx/rewrite',
    kind: 'nginx',
    directive: 'rewrite',
    problem:
      "A rewrite before proxy_pass makes nginx send the rewritten, normalised path: decoded, dot segments resolved, doubled slashes merged, re-escaped nginx's way.",
    fix: `Remove the rewrite so proxy_pass forwards the request line untouched; if it must stay, pass the original URI on: "proxy_pass http://BACKEND$request_uri;".`,
    effect: 'breaks-qsh',
  },
  'nginx/proxy-cache-head': {
    id: 'nginx/proxy-cache-head',
    kind: 'nginx',
    directive: 'proxy_cache',
    problem: 'proxy_cache sends HEAD requests on as GET (proxy_cache_convert_head is on by default), and a token signed for HEAD does not match a GET.',
    fix: 'Add "proxy_cache_convert_head off;" next to proxy_cache, or do not cache the app\'s requests.',
    effect: 'breaks-qsh',
  },
};

/** The settings that produce each transformation the diagnosis can name (its `matchedTransformation`). */
export const CAUSES: Readonly<Record<string, readonly SettingId[]>> = {
  'apache-mod-proxy/decoded-path': ['apache/proxypass-canon', 'apache/rewrite-proxy', 'apache/rewrite-proxy-noescape', 'nginx/proxy-pass-uri', 'nginx/rewrite'],
  'apache-mod-proxy/decoded-and-upper-cased-path': ['apache/proxypass-canon', 'apache/rewrite-proxy', 'nginx/proxy-pass-uri', 'nginx/rewrite'],
  'apache-mod-proxy/unescaped-percent': ['apache/rewrite-proxy-noescape'],
  'apache-mod-proxy/decoded-slash': ['apache/encoded-slashes-on', 'nginx/proxy-pass-uri', 'nginx/rewrite'],
  'nginx/proxy-pass-uri-decoded-path': ['nginx/proxy-pass-uri', 'nginx/rewrite', 'apache/rewrite-proxy-noescape'],
  'hex-case/upper-cased-escapes': ['apache/proxypass-canon', 'apache/rewrite-proxy', 'nginx/proxy-pass-uri', 'nginx/rewrite'],
  'hex-case/lower-cased-escapes': [],
  'normalised-path/merged-slashes': [
    'apache/proxypass-canon',
    'apache/rewrite-proxy',
    'apache/rewrite-proxy-noescape',
    'nginx/proxy-pass-uri',
    'nginx/rewrite',
  ],
  'normalised-path/unrecoverable': ['apache/proxypass-canon', 'apache/rewrite-proxy', 'apache/rewrite-proxy-noescape', 'nginx/proxy-pass-uri', 'nginx/rewrite'],
  'method/head-became-get': ['nginx/proxy-cache-head'],
};

const GENERIC_FIX = 'Turn off URL normalisation in the proxy or load balancer so the path is forwarded exactly as the browser sent it.';

/**
 * The fix to print for a transformation: the fix of every setting that causes it, one proxy
 * after the other and one fix per line, so the reader finds theirs whichever proxy they run.
 */
export function fixFor(transformation: string): string {
  const causes = CAUSES[transformation] ?? [];
  if (causes.length === 0) return GENERIC_FIX;
  const byKind = (kind: ProxyKind) => [...new Set(causes.filter((id) => SETTINGS[id].kind === kind).map((id) => SETTINGS[id].fix))];
  const parts = [...byKind('apache').map((fix) => `Apache httpd: ${fix}`), ...byKind('nginx').map((fix) => `nginx: ${fix}`)];
  // The fixes name the app's address as BACKEND: once, say where the exact line comes from.
  return [...parts, ...(parts.some((part) => part.includes('BACKEND')) ? [EXACT_LINE] : [])].join('\n');
}

/** The settings behind a transformation, for readers that hold a configuration. */
export function causesOf(transformation: string): readonly ProxySetting[] {
  return (CAUSES[transformation] ?? []).map((id) => SETTINGS[id]);
}
