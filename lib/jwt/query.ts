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

/** `A-Z a-z 0-9 - . _ ~` by char code: what percentEncode leaves literal. */
const UNRESERVED_CODE = new Uint8Array(128);
for (const char of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~') UNRESERVED_CODE[char.charCodeAt(0)] = 1;

/** Upper-case hex digit value; lower-case and other characters are out of range, so no canonical escape uses them. */
function upperHexDigit(code: number): number {
  return code >= 0x30 && code <= 0x39 ? code - 0x30 : code >= 0x41 && code <= 0x46 ? code - 0x37 : -0x100;
}

/**
 * Whether `raw[start, end)` is already in canonical form: unreserved characters and upper-case
 * `%XX` escapes of ASCII (0x20 to 0x7F) outside the unreserved set, exactly what percentEncode
 * writes for them. Decoding then re-encoding such a component gives it back unchanged.
 * A loop over char codes rather than a regular expression: it runs on every query parameter.
 */
function isCanonicalComponent(raw: string, start: number, end: number): boolean {
  for (let i = start; i < end; i++) {
    const code = raw.charCodeAt(i);
    if (code < 0x80 && UNRESERVED_CODE[code] === 1) continue;
    if (code !== 0x25 || i + 2 >= end) return false;
    const byte = upperHexDigit(raw.charCodeAt(i + 1)) * 16 + upperHexDigit(raw.charCodeAt(i + 2));
    if (byte < 0x20 || byte > 0x7f || UNRESERVED_CODE[byte] === 1) return false;
    i += 2;
  }
  return true;
}

/** The raw query component `raw[start, end)` (`+` and `%XX` as sent) in its canonical encoding. */
function canonicalComponent(raw: string, start: number, end: number): string {
  const component = raw.slice(start, end);
  return isCanonicalComponent(raw, start, end) ? component : percentEncode(formDecode(component));
}

const EQUALS = 0x3d;

/**
 * Orders canonical `name=value` parameters by name in UTF-16 code-unit order (Java's
 * String.compareTo), reading each name up to its first `=` (a canonical name never holds one).
 * Comparing the whole parameter would not do: `a=1` must come before `a.b=2`, though `.` < `=`.
 * 0 means equal names.
 */
function byName(a: string, b: string): number {
  for (let i = 0; ; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === EQUALS || y === EQUALS) return x === y ? 0 : x === EQUALS ? -1 : 1;
    if (x !== y) return x - y;
  }
}

/** Parameters the one-pass path sorts by insertion; a longer query takes the general path. */
const INSERTION_SORT_LIMIT = 32;

/**
 * `canonicalQuery(parseRawQuery(rawQuery))` in one pass, for the validation of every request: a
 * parameter already in canonical form (most of them) is used as sent, one slice of the raw query,
 * instead of being decoded and encoded again, and the `jwt` value is never decoded. A query that
 * repeats a name (rare) takes the general path. test/jwt/query.property.test.ts proves the equality.
 */
export function canonicalRawQuery(rawQuery: string): string {
  if (rawQuery === '') return '';
  // Canonical `name=value` parameters. Two names decode to the same text exactly when their encodings are equal.
  const params: string[] = [];
  for (let start = 0; start <= rawQuery.length;) {
    const amp = rawQuery.indexOf('&', start);
    const end = amp === -1 ? rawQuery.length : amp;
    const eq = rawQuery.indexOf('=', start);
    const nameEnd = eq === -1 || eq > end ? end : eq;
    const paramStart = start;
    start = end + 1;
    if (nameEnd - paramStart === JWT_PARAM.length && rawQuery.startsWith(JWT_PARAM, paramStart)) continue;
    const hasValue = nameEnd !== end;
    if (hasValue && isCanonicalComponent(rawQuery, paramStart, nameEnd) && isCanonicalComponent(rawQuery, nameEnd + 1, end)) {
      if (nameEnd !== paramStart) params.push(rawQuery.slice(paramStart, end));
    } else {
      const name = canonicalComponent(rawQuery, paramStart, nameEnd);
      if (name !== '' && name !== JWT_PARAM) params.push(`${name}=${hasValue ? canonicalComponent(rawQuery, nameEnd + 1, end) : ''}`);
    }
  }
  // Insertion sort: queries are short, and Array.prototype.sort allocates work space on every call.
  // A long query (quadratic here; the URL is the caller's) takes the general path instead.
  if (params.length > INSERTION_SORT_LIMIT) return canonicalQuery(parseRawQuery(rawQuery));
  for (let i = 1; i < params.length; i++) {
    const param = params[i] ?? '';
    let at = i;
    let order = 1;
    while (at > 0 && (order = byName(params[at - 1] ?? '', param)) > 0) {
      params[at] = params[at - 1] ?? '';
      at--;
    }
    if (order === 0) return canonicalQuery(parseRawQuery(rawQuery));
    params[at] = param;
  }
  return params.join('&');
}
