import type { ProxyKind } from '../diagnosis/catalogue.ts';

/**
 * Tells an Apache httpd configuration from an nginx one by what only each writes: Apache's
 * `<Section>` tags and its CamelCase proxy directives, nginx's blocks and `;`-terminated lines.
 * Undefined when the text shows neither (or both equally).
 */
export function detectKind(text: string): ProxyKind | undefined {
  const code = text
    .split(/\r?\n/)
    .filter((line) => !/^\s*#/.test(line))
    .join('\n');
  const apache =
    count(code, /^\s*<\/?(VirtualHost|Location|LocationMatch|Directory|IfModule|Proxy|Files|If|Macro)\b[^>]*>\s*$/gim) +
    count(
      code,
      /^\s*(ProxyPass|ProxyPassMatch|ProxyPassReverse|ProxyPreserveHost|RewriteRule|RewriteEngine|RewriteCond|AllowEncodedSlashes|LoadModule|DocumentRoot|IncludeOptional)\s/gim,
    );
  const nginx =
    count(code, /^\s*(http|server|location|upstream|events|map|if)\b[^;{}\n]*\{/gm) +
    count(code, /^\s*(proxy_pass|proxy_set_header|server_name|listen|rewrite|merge_slashes|include)\s[^;\n]*;/gm);
  if (apache === nginx) return undefined;
  return apache > nginx ? 'apache' : 'nginx';
}

function count(text: string, pattern: RegExp): number {
  return [...text.matchAll(pattern)].length;
}
