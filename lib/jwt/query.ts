/**
 * The query half of Atlassian's canonical request, parsed from the raw query string: framework
 * parsers lose names such as `a[]` or turn `a[b]=c` into objects, so nothing here trusts them.
 */

/** One decoded `name=value` pair, in the order it appeared. */
export interface QueryParam {
  readonly name: string;
  readonly value: string;
}

const UNRESERVED = /^[A-Za-z0-9\-._~]*$/;
const HEX = /^[0-9A-Fa-f]{2}$/;
/** What encodeURIComponent leaves literal beyond the unreserved set. */
const SUB_DELIMS = /[!'()*]/;
const SUB_DELIMS_ALL = /[!'()*]/g;

/**
 * Form-decodes a raw query string (`+` is a space, `%XX` are UTF-8 bytes; a `%` not followed by
 * two hex digits stays literal). Empty names are dropped, as Java's parser does.
 *
 * @example parseRawQuery('a[]=1&flag&q=x+y') // [{a[],1}, {flag,''}, {q,'x y'}]
 */
export function parseRawQuery(rawQuery: string): QueryParam[] {
  const params: QueryParam[] = [];
  if (rawQuery === '') return params;
  for (const pair of rawQuery.split('&')) {
    const eq = pair.indexOf('=');
    const name = formDecode(eq === -1 ? pair : pair.slice(0, eq));
    if (name === '') continue;
    params.push({ name, value: eq === -1 ? '' : formDecode(pair.slice(eq + 1)) });
  }
  return params;
}

/** `application/x-www-form-urlencoded` decoding of one component. */
export function formDecode(component: string): string {
  const plusless = component.includes('+') ? component.replaceAll('+', ' ') : component;
  if (!plusless.includes('%')) return plusless;
  try {
    // Fast path for well-formed input; it refuses stray `%` and invalid UTF-8, which the loop below handles.
    return decodeURIComponent(plusless);
  } catch {
    return decodeLeniently(plusless);
  }
}

/** Decodes valid `%XX` runs as UTF-8 (invalid sequences become U+FFFD) and leaves stray `%` literal, as Java's decoder does. */
function decodeLeniently(plusless: string): string {
  const bytes: number[] = [];
  for (let i = 0; i < plusless.length; i++) {
    const code = plusless.charCodeAt(i);
    if (code === 0x25 && HEX.test(plusless.slice(i + 1, i + 3))) {
      bytes.push(parseInt(plusless.slice(i + 1, i + 3), 16));
      i += 2;
    } else if (code < 0x80) {
      bytes.push(code);
    } else {
      // Non-ASCII text in the raw query: its UTF-8 bytes (a surrogate pair is one code point).
      const width = code >= 0xd800 && code <= 0xdbff && i + 1 < plusless.length ? 2 : 1;
      for (const byte of Buffer.from(plusless.slice(i, i + width), 'utf8')) bytes.push(byte);
      i += width - 1;
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

/**
 * Percent-encodes everything except `A-Z a-z 0-9 - . _ ~`, with upper-case hex (Java's
 * `URLEncoder` plus Atlassian's `+`→`%20`, `*`→`%2A`, `%7E`→`~`).
 */
export function percentEncode(text: string): string {
  if (UNRESERVED.test(text)) return text;
  let encoded: string;
  try {
    encoded = encodeURIComponent(text);
  } catch {
    // A lone surrogate: encode its UTF-8 replacement bytes rather than fail the whole request.
    return encodeBytes(Buffer.from(text, 'utf8'));
  }
  return SUB_DELIMS.test(encoded) ? encoded.replace(SUB_DELIMS_ALL, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`) : encoded;
}

function encodeBytes(bytes: Buffer): string {
  let out = '';
  for (const byte of bytes) {
    const char = String.fromCharCode(byte);
    out += byte < 0x80 && UNRESERVED.test(char) ? char : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** The parameter Connect carries the token in; never part of the hash. */
const JWT_PARAM = 'jwt';

/**
 * The canonical query: `jwt` dropped, repeated names merged with their values sorted and
 * comma-joined, names and values percent-encoded, parameters ordered by encoded name (as
 * Jira's Java signer orders them; atlassian-jwt sorts decoded names, which differs for names
 * such as `a.` and `a:`).
 */
export function canonicalQuery(params: readonly QueryParam[]): string {
  const merged = new Map<string, string | string[]>();
  for (const { name, value } of params) {
    if (name === JWT_PARAM) continue;
    const seen = merged.get(name);
    if (seen === undefined) merged.set(name, value);
    else if (typeof seen === 'string') merged.set(name, [seen, value]);
    else seen.push(value);
  }
  const lines = new Map<string, string>();
  for (const [name, values] of merged) {
    // Default sort() is UTF-16 code-unit order, the order of Java's String.compareTo.
    const value = typeof values === 'string' ? percentEncode(values) : values.sort().map(percentEncode).join(',');
    lines.set(percentEncode(name), value);
  }
  const names = [...lines.keys()].sort();
  let query = '';
  for (const name of names) query += `${query === '' ? '' : '&'}${name}=${lines.get(name) ?? ''}`;
  return query;
}

/**
 * A raw component already in canonical form: unreserved characters and upper-case `%XX` escapes of
 * printable ASCII outside the unreserved set. Decoding then re-encoding it gives it back unchanged.
 */
const CANONICAL_COMPONENT = /^(?:[A-Za-z0-9._~-]|%(?:2[0-9A-CF]|3[A-F]|40|5[B-E]|60|7[B-DF]))*$/;

/** A raw query component (`+` and `%XX` as sent) in its canonical encoding. */
function canonicalComponent(raw: string): string {
  return CANONICAL_COMPONENT.test(raw) ? raw : percentEncode(formDecode(raw));
}

/**
 * `canonicalQuery(parseRawQuery(rawQuery))` in one pass, for the validation of every request: a
 * component already in canonical form (most of them) is used as sent instead of being decoded and
 * encoded again, and the `jwt` value is never decoded. A query that repeats a name (rare) takes the
 * general path. test/jwt/query.property.test.ts proves the equality.
 */
export function canonicalRawQuery(rawQuery: string): string {
  if (rawQuery === '') return '';
  // [canonical name, raw value]: two names decode to the same text exactly when their encodings are equal.
  const params: [string, string][] = [];
  for (let start = 0; start <= rawQuery.length;) {
    const amp = rawQuery.indexOf('&', start);
    const end = amp === -1 ? rawQuery.length : amp;
    const eq = rawQuery.indexOf('=', start);
    const nameEnd = eq === -1 || eq > end ? end : eq;
    const name = canonicalComponent(rawQuery.slice(start, nameEnd));
    if (name !== '' && name !== JWT_PARAM) params.push([name, nameEnd === end ? '' : rawQuery.slice(nameEnd + 1, end)]);
    start = end + 1;
  }
  params.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  let query = '';
  let previous: string | undefined;
  for (const [name, rawValue] of params) {
    if (name === previous) return canonicalQuery(parseRawQuery(rawQuery));
    query += `${previous === undefined ? '' : '&'}${name}=${canonicalComponent(rawValue)}`;
    previous = name;
  }
  return query;
}
