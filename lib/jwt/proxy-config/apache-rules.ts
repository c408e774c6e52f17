import { type Directive, named, walk } from './directive.ts';
import { addNocanon, encodedSlashesNoDecode, rawPathRewrite } from './apache-fixes.ts';
import { finding, type ProxyFinding } from './finding.ts';

/**
 * Apache httpd settings from the catalogue: ProxyPass / ProxyPassMatch without `nocanon`, a
 * RewriteRule that proxies ([P]) without [NE] or with [NE] on a decoded backreference, and
 * AllowEncodedSlashes (On decodes %2F when the path is re-encoded; Off, the default, refuses it).
 */
export function apacheFindings(config: readonly Directive[]): ProxyFinding[] {
  const findings: ProxyFinding[] = [];
  for (const directive of walk(config)) {
    if (named(directive, 'ProxyPass', 'ProxyPassMatch') && proxies(directive) && !hasNocanon(directive))
      findings.push(finding('apache/proxypass-canon', directive, addNocanon(directive)));
    if (named(directive, 'RewriteRule')) {
      const rule = rewriteProxy(directive);
      if (rule === 'canon') findings.push(finding('apache/rewrite-proxy', directive, rawPathRewrite(directive)));
      if (rule === 'decoded-backreference') findings.push(finding('apache/rewrite-proxy-noescape', directive, rawPathRewrite(directive)));
    }
  }
  if (findings.length > 0) {
    // With every path re-encoded somewhere, a decoded %2F goes out as "/".
    for (const directive of walk(config)) {
      if (named(directive, 'AllowEncodedSlashes') && directive.args[0]?.toLowerCase() === 'on')
        findings.push(finding('apache/encoded-slashes-on', directive, encodedSlashesNoDecode(directive, KEEPS_SLASHES)));
    }
  }
  return findings;
}

const KEEPS_SLASHES = 'so Apache keeps %2F as it came (and add "nocanon" to ProxyPass)';
const ACCEPTS_SLASHES = "if the app's URLs can contain %2F";

/**
 * Settings that make Apache answer some requests itself: every server that proxies without
 * `AllowEncodedSlashes NoDecode` (or On) refuses paths with %2F with 404.
 */
export function apacheNotes(config: readonly Directive[]): ProxyFinding[] {
  const global = lastValue(config);
  const notes: ProxyFinding[] = [];
  const mainProxy = [...outsideHosts(config)].find((d) => isProxying(d));
  if (mainProxy !== undefined && (global?.args[0]?.toLowerCase() ?? 'off') === 'off')
    notes.push(finding('apache/encoded-slashes-off', global ?? mainProxy, encodedSlashesNoDecode(global ?? mainProxy, ACCEPTS_SLASHES), notSet(global)));
  for (const host of walk(config)) {
    if (!named(host, 'VirtualHost') || host.children === undefined) continue;
    const proxy = [...walk(host.children)].find((d) => isProxying(d));
    if (proxy === undefined) continue;
    const own = lastValue(host.children) ?? global;
    if ((own?.args[0]?.toLowerCase() ?? 'off') === 'off')
      notes.push(finding('apache/encoded-slashes-off', own ?? host, encodedSlashesNoDecode(own ?? host, ACCEPTS_SLASHES), notSet(own)));
  }
  return notes;
}

/** The directives of the main server: everything outside <VirtualHost> sections. */
function* outsideHosts(directives: readonly Directive[]): Generator<Directive> {
  for (const directive of directives) {
    if (named(directive, 'VirtualHost')) continue;
    yield directive;
    if (directive.children !== undefined) yield* outsideHosts(directive.children);
  }
}

function notSet(directive: Directive | undefined): string {
  return directive === undefined ? 'AllowEncodedSlashes is not set here. ' : '';
}

function lastValue(directives: readonly Directive[]): Directive | undefined {
  return directives.filter((d) => named(d, 'AllowEncodedSlashes')).at(-1);
}

function isProxying(directive: Directive): boolean {
  if (named(directive, 'ProxyPass', 'ProxyPassMatch')) return proxies(directive);
  return named(directive, 'RewriteRule') && rewriteProxy(directive) !== 'none';
}

/** `ProxyPass /path !` excludes a path; anything else proxies. */
function proxies(directive: Directive): boolean {
  return !directive.args.slice(0, 2).includes('!');
}

function hasNocanon(directive: Directive): boolean {
  return directive.args.some((arg) => arg.toLowerCase() === 'nocanon');
}

/** How a RewriteRule proxies: not at all, re-encoding the path (no NE), or sending a decoded backreference as is. */
function rewriteProxy(directive: Directive): 'none' | 'canon' | 'decoded-backreference' | 'raw' {
  const [, substitution = '', flagText = ''] = directive.args;
  const flags = flagText
    .replace(/^\[|\]$/g, '')
    .split(',')
    .map((flag) => flag.trim().toLowerCase());
  if (!flags.some((flag) => flag === 'p' || flag === 'proxy')) return 'none';
  if (!flags.some((flag) => flag === 'ne' || flag === 'noescape')) return 'canon';
  // $N and %{REQUEST_URI} hold the decoded path; %N from a RewriteCond on %{THE_REQUEST} holds the raw one.
  return /\$\d|%\{REQUEST_URI\}|%\{REQUEST_FILENAME\}/i.test(substitution) ? 'decoded-backreference' : 'raw';
}
