/**
 * The redaction layer every log line and metric passes through. Three rules:
 * registered secret values are replaced wherever they appear (in any encoding); fields named
 * like a secret or a token are blanked whatever their value; and credentials recognisable by
 * their shape inside free text (bearer/basic credentials, JWTs, `client_secret=` in forms and
 * query strings, `"access_token": "…"` in JSON text, private-key PEM blocks) are blanked.
 */
import { replaceSecrets } from './secret-registry.ts';

export { pinSecret, registerSecret } from './secret-registry.ts';

export const REDACTED = '[REDACTED]';

/** Field names whose values are never logged. */
const SECRET_FIELD =
  /(secret|token|password|passwd|passphrase|authorization|bearer|cookie|credential|private.?key|api.?key|^code$|code.?verifier|^jwt$|assertion|^sig(nature)?$)/i;

/** Names that describe a secret without holding it (`tokenEndpoint`, `accessTokenExpiresAt`). */
const DESCRIBES_SECRET =
  /(endpoints?|url|uri|expires?|expires?at|expires?in|expiry|type|ttl|count|length|names?|ids?|status|kind|source|file|path|version|stage|prefix|arn|scheme|at)$/i;

/** Error codes (`STORE_CORRUPTED`, `ECONNREFUSED`) may sit under a field named `code`; OAuth codes never look like this. */
const ERROR_CODE = /^[A-Z][A-Z0-9_]*$/;

/** Whether a field of this name holds secret material. */
export function isSecretField(name: string): boolean {
  return SECRET_FIELD.test(name) && !DESCRIBES_SECRET.test(name);
}

/** Whether this field's value must be blanked: a secret field, unless it is an error `code`. */
function blanks(name: string, value: unknown): boolean {
  if (value === undefined || value === null || typeof value === 'boolean') return false;
  if (!isSecretField(name)) return false;
  if (name.toLowerCase() === 'code') return !(typeof value === 'number' || (typeof value === 'string' && ERROR_CODE.test(value)));
  return true;
}

/** Shapes of credentials inside free text, each with the replacement keeping the harmless part. */
const TEXT_RULES: readonly [RegExp, (match: string, ...groups: string[]) => string][] = [
  [/-----BEGIN ([A-Z0-9 ]*)PRIVATE KEY-----[\s\S]*?(?:-----END [A-Z0-9 ]*PRIVATE KEY-----|$)/g, () => REDACTED],
  [/\beyJ[A-Za-z0-9_-]{2,}\.[A-Za-z0-9_-]{2,}\.[A-Za-z0-9_-]*/g, () => REDACTED],
  // A credential after the scheme: long, or containing a digit or symbol (so "Basic authentication" survives).
  [
    /\b(bearer|basic)(\s+)(?:[A-Za-z0-9\-._~+/]{20,}|(?=[A-Za-z]*[0-9\-._~+/])[A-Za-z0-9\-._~+/]{8,})=*/gi,
    (_m, scheme, space) => `${scheme}${space}${REDACTED}`,
  ],
  // `name: value` header lines (a logged request or raw HTTP exchange).
  [/\b(proxy-authorization|authorization|set-cookie|cookie|x-api-key)(\s*:\s*)[^\r\n]+/gi, (_m, name, sep) => `${name}${sep}${REDACTED}`],
  // `"access_token": "…"` inside JSON text (a logged response body).
  [/"([^"\\]{1,64})"(\s*:\s*)"((?:[^"\\]|\\.)*)"/g, (match, name, sep, value) => (blanks(name, value) ? `"${name}"${sep}"${REDACTED}"` : match)],
  // `client_secret=…&code=…` in forms and query strings.
  [
    /(?<![A-Za-z0-9_.\-[\]%])([A-Za-z0-9_.\-[\]%]{1,64})=([^&\s;,"'<>]*)/g,
    (match, name, value) => (blanks(safeDecode(name), safeDecode(value)) ? `${name}=${REDACTED}` : match),
  ],
];

/** JSON text longer than this is redacted by the text rules only, not parsed. */
const MAX_PARSED_JSON = 256 * 1024;

/** The string with every registered secret and every recognisable credential replaced. */
export function redactString(text: string): string {
  let result = replaceSecrets(text, REDACTED);
  // A logged response body is JSON text, possibly holding more JSON text: redact it as data.
  const json = /^\s*[[{]/.test(result) && result.length <= MAX_PARSED_JSON ? parseJson(result) : undefined;
  if (json !== undefined) return JSON.stringify(redact(json));
  for (const [pattern, replace] of TEXT_RULES) {
    pattern.lastIndex = 0;
    if (pattern.test(result)) result = result.replace(pattern, replace);
  }
  return result;
}

/**
 * A JSON.stringify replacer applying the rules; Powertools Logger calls it for every key and
 * then formats Errors itself (their message, stack and cause come back through here).
 */
export function redactingReplacer(key: string, value: unknown): unknown {
  if (key !== '' && blanks(key, value)) return REDACTED;
  if (typeof value === 'string') return redactString(value);
  if (typeof value !== 'object' || value === null || value instanceof Error) return value;
  const bytes = binaryLength(value);
  if (bytes !== undefined) return `[binary, ${bytes} bytes]`;
  return Array.isArray(value) ? value : withRedactedKeys(value);
}

/** A deep copy of `value` with the rules applied, Errors included (outputs that do not go through the logger). */
export function redact<T>(value: T): T {
  const replacer = (key: string, v: unknown): unknown => redactingReplacer(key, v instanceof Error ? errorToJson(v) : v);
  // JSON.stringify yields no text for these, whatever its type says.
  if (value === undefined || typeof value === 'function' || typeof value === 'symbol') return undefined as T;
  return JSON.parse(JSON.stringify(value, replacer)) as T;
}

/** Binary values are never logged: a key or a token may be in them. */
function binaryLength(value: object): number | undefined {
  if (ArrayBuffer.isView(value)) return value.byteLength;
  // Buffer#toJSON runs before the replacer and yields { type: 'Buffer', data: [...] }.
  const candidate = value as { type?: unknown; data?: unknown };
  if (candidate.type === 'Buffer' && Array.isArray(candidate.data)) return candidate.data.length;
  return undefined;
}

/** A secret used as an object key (a map keyed by token) is as visible as a value. */
function withRedactedKeys(value: object): object {
  const entries = Object.entries(value);
  if (!entries.some(([name]) => redactString(name) !== name)) return value;
  return Object.fromEntries(entries.map(([name, v]) => [redactString(name), v]));
}

function errorToJson(error: Error): Record<string, unknown> {
  const { name, message, cause } = error;
  return { ...Object.fromEntries(Object.entries(error)), name, message, ...(cause === undefined ? {} : { cause }) };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text.replaceAll('+', ' '));
  } catch {
    return text;
  }
}
