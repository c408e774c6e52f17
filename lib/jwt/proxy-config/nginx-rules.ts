import type { Directive } from './directive.ts';
import { finding, type ProxyFinding } from './finding.ts';
import { addConvertHeadOff, dropUriPart, removeRewrite } from './nginx-fixes.ts';

/**
 * nginx settings from the catalogue: proxy_pass with a URI part (other than $request_uri), a
 * rewrite in a server or location that proxies, and proxy_cache without
 * `proxy_cache_convert_head off`.
 */
export function nginxFindings(config: readonly Directive[]): ProxyFinding[] {
  const findings = scoped(config, { rewrites: [], convertHeadOff: false, location: undefined });
  return findings.sort((a, b) => (a.file === b.file ? a.line - b.line : a.file.localeCompare(b.file)));
}

interface Inherited {
  /** Rewrites of enclosing blocks: they run before any proxy_pass below them. */
  readonly rewrites: readonly Directive[];
  readonly convertHeadOff: boolean;
  /** The innermost location block around this one. */
  readonly location: Directive | undefined;
}

/** Rewrites and proxy_cache in a block, judged with what the enclosing blocks set. */
function scoped(block: readonly Directive[], inherited: Inherited): ProxyFinding[] {
  const findings: ProxyFinding[] = [];
  const rewrites = [...inherited.rewrites, ...block.filter((d) => d.name === 'rewrite' && rewritesInternally(d))];
  const convertHeadOff = inherited.convertHeadOff || block.some((d) => d.name === 'proxy_cache_convert_head' && d.args[0] === 'off');
  const proxyPass = block.find((d) => d.name === 'proxy_pass');
  if (proxyPass !== undefined) {
    const uri = normalisedUriPart(proxyPass.args[0] ?? '');
    if (uri !== '') findings.push(finding('nginx/proxy-pass-uri', proxyPass, dropUriPart(proxyPass, uri, inherited.location)));
    if (!usesRequestUri(proxyPass.args[0] ?? '')) for (const rewrite of rewrites) findings.push(finding('nginx/rewrite', rewrite, removeRewrite(proxyPass)));
  }
  for (const cache of block.filter((d) => d.name === 'proxy_cache' && d.args[0] !== 'off')) {
    if (!convertHeadOff) findings.push(finding('nginx/proxy-cache-head', cache, addConvertHeadOff()));
  }
  for (const child of block) {
    if (child.children !== undefined)
      findings.push(...scoped(child.children, { rewrites, convertHeadOff, location: child.name === 'location' ? child : inherited.location }));
  }
  // A rewrite reported for several locations below it is one finding.
  return findings.filter((f, i) => findings.findIndex((g) => g.file === f.file && g.line === f.line && g.setting === f.setting) === i);
}

/** A rewrite that changes the URI inside nginx; `redirect`, `permanent` and absolute replacements answer the client instead. */
function rewritesInternally(rewrite: Directive): boolean {
  const [, replacement = '', flag = ''] = rewrite.args;
  if (flag === 'redirect' || flag === 'permanent') return false;
  return !/^(https?:\/\/|\$scheme)/.test(replacement);
}

/**
 * The URI part of proxy_pass when it makes nginx send the normalised path, else ''. A URI part
 * of $request_uri sends the raw one; `http://host:port` and `http://$upstream` have none;
 * `unix:/socket:/uri` does.
 */
function normalisedUriPart(target: string): string {
  const afterScheme = target.replace(/^[a-z]+:\/\//i, '');
  const rest = afterScheme.startsWith('unix:') ? afterScheme.slice(afterScheme.indexOf(':', 5) + 1 || afterScheme.length) : afterScheme;
  const slash = afterScheme.startsWith('unix:') ? (rest === '' ? -1 : 0) : rest.indexOf('/');
  const uri = slash === -1 ? '' : rest.slice(slash);
  return usesRequestUri(uri) ? '' : uri;
}

function usesRequestUri(target: string): boolean {
  return /\$(\{request_uri\}|request_uri\b)/.test(target);
}
