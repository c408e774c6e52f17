/**
 * The registered secret values, indexed so that finding them in a string costs one map
 * look-up per character whatever the number of secrets. Registering is cheap and the index is
 * updated incrementally, at the next redaction: every refresh registers several new values
 * (tokens, the secret's JSON), most of which never meet a log line, and rebuilding the whole
 * index per log line would cost a pass over every registered secret each time.
 */

/** Registered values shorter than this are not substituted (they would blank ordinary words). */
export const MIN_SECRET_LENGTH = 6;

/**
 * A registration is forgotten only after this many more recently registered values: a
 * long-running local runtime registers every refreshed token, and the oldest ones expired long ago.
 * Pinned values (the admin token, key material) are never forgotten and not counted.
 */
const MAX_SECRETS = 4096;
/** The same bound in characters of the values kept, so that a few huge values cannot grow memory either. */
const MAX_SECRET_CHARS = 4 * 1024 * 1024;
/** Forgetting happens in batches of this many, so a registration costs one sort per batch, not a scan each. */
const FORGET_BATCH = 1024;
/** The same slack in characters. */
const FORGET_BATCH_CHARS = 1024 * 1024;

interface Registration {
  readonly value: string;
  /** Every form the value may take in text (raw, URL-encoded, form-encoded, JSON-escaped); undefined until indexed. */
  forms?: readonly string[];
  /** When it was last registered (a counter): re-registering keeps a value in use from being forgotten. */
  lastUse: number;
  /** Never forgotten: a secret of the process itself, known from its start. */
  pinned: boolean;
}

/**
 * The forms sharing one prefix. Forms are counted because two values can share one (one is the
 * other URL-encoded); a set rather than a sorted list because some buckets are large (every
 * integration's secret JSON starts `{"clientSecret"`) and change on every refresh.
 */
interface Bucket {
  readonly counts: Map<string, number>;
  /** Sorted when a text is redacted, only after the bucket changed. */
  longestFirst?: readonly string[];
}

const registrations = new Map<string, Registration>();
/** First MIN_SECRET_LENGTH characters of a form -> the forms starting with them. */
const byPrefix = new Map<string, Bucket>();
/** Registered but not yet in the index. */
let unindexed: Registration[] = [];
let uses = 0;
/** Registrations that may be forgotten, and the characters of their values. */
let forgettable = 0;
let forgettableChars = 0;

/**
 * Registers a secret value so that it never appears in any log line or metric. Only for values
 * from a trusted source: our stores, a token endpoint's answer, a verified token, configuration.
 * A value an anonymous caller sent could blank any text it likes out of the log.
 */
export function registerSecret(value: string | undefined): void {
  if (value === undefined || value.length < MIN_SECRET_LENGTH) return;
  const known = registrations.get(value);
  if (known !== undefined) {
    // Not delete + set to move it last: on V8 each re-insertion of the same key makes the next
    // look-up of that key slower until the table is rehashed (measured: O(size) per touch).
    known.lastUse = ++uses;
    return;
  }
  add(value, false);
  if (forgettable > MAX_SECRETS + FORGET_BATCH || forgettableChars > MAX_SECRET_CHARS + FORGET_BATCH_CHARS) forgetLeastRecentlyUsed();
}

/**
 * Registers a secret of the process itself (the admin token, key material) that is never
 * forgotten, however many other values are registered after it.
 */
export function pinSecret(value: string | undefined): void {
  if (value === undefined || value.length < MIN_SECRET_LENGTH) return;
  const known = registrations.get(value);
  if (known === undefined) {
    add(value, true);
    return;
  }
  if (!known.pinned) {
    known.pinned = true;
    forgettable--;
    forgettableChars -= value.length;
  }
}

function add(value: string, pinned: boolean): void {
  const registration: Registration = { value, lastUse: ++uses, pinned };
  registrations.set(value, registration);
  unindexed.push(registration);
  if (!pinned) {
    forgettable++;
    forgettableChars += value.length;
  }
}

/** Forgets every registered secret, pinned ones included (tests only). */
export function forgetSecrets(): void {
  registrations.clear();
  byPrefix.clear();
  unindexed = [];
  forgettable = 0;
  forgettableChars = 0;
}

/** The text with every occurrence of a registered secret, in any of its forms, replaced. */
export function replaceSecrets(text: string, replacement: string): string {
  if (registrations.size === 0 || text.length < MIN_SECRET_LENGTH) return text;
  indexRegistrations();
  let out = '';
  let copiedUpTo = 0;
  for (let i = 0; i + MIN_SECRET_LENGTH <= text.length;) {
    const match = candidates(text.slice(i, i + MIN_SECRET_LENGTH))?.find((form) => text.startsWith(form, i));
    if (match === undefined) {
      i += 1;
      continue;
    }
    out += text.slice(copiedUpTo, i) + replacement;
    i += match.length;
    copiedUpTo = i;
  }
  return copiedUpTo === 0 ? text : out + text.slice(copiedUpTo);
}

/** Characters that every encoding below leaves as they are (typical of tokens and generated secrets). */
const UNENCODED = /^[A-Za-z0-9_.-]+$/;

/** A surrogate without its pair (in `u` mode a pair is one code point, so only lone halves match). */
const LONE_SURROGATE = /\p{Cs}/gu;
/** What form encoding escapes beyond encodeURIComponent, and the space it writes as `+`. */
const FORM_ONLY = /[!'()~]|%20/g;

function encodings(value: string): string[] {
  if (UNENCODED.test(value)) return [value];
  // Percent-encoding writes UTF-8, which has no lone surrogate: URLSearchParams writes U+FFFD for one,
  // where encodeURIComponent would throw, and a throw here would break every later log line.
  const uri = encodeURIComponent(value.replace(LONE_SURROGATE, '\uFFFD'));
  const all = [value, uri, formEncoded(uri), JSON.stringify(value).slice(1, -1)];
  return [...new Set(all)].filter((form) => form.length >= MIN_SECRET_LENGTH);
}

/**
 * application/x-www-form-urlencoded, as URLSearchParams writes it, from the encodeURIComponent
 * form: cheaper than a URLSearchParams per value; test/observe/secret-registry.test.ts holds the two
 * equal on arbitrary strings.
 */
function formEncoded(uriComponent: string): string {
  return uriComponent.replace(FORM_ONLY, (match) => (match === '%20' ? '+' : `%${match.charCodeAt(0).toString(16).toUpperCase()}`));
}

function addToIndex(form: string): void {
  const key = form.slice(0, MIN_SECRET_LENGTH);
  let bucket = byPrefix.get(key);
  if (bucket === undefined) {
    bucket = { counts: new Map() };
    byPrefix.set(key, bucket);
  }
  bucket.counts.set(form, (bucket.counts.get(form) ?? 0) + 1);
  bucket.longestFirst = undefined;
}

function removeFromIndex(form: string): void {
  const key = form.slice(0, MIN_SECRET_LENGTH);
  const bucket = byPrefix.get(key);
  const count = bucket?.counts.get(form);
  if (bucket === undefined || count === undefined) return;
  if (count > 1) bucket.counts.set(form, count - 1);
  else bucket.counts.delete(form);
  if (bucket.counts.size === 0) byPrefix.delete(key);
  else bucket.longestFirst = undefined;
}

/** The forms starting with `prefix`, longest first so that a secret containing another registered secret is blanked whole. */
function candidates(prefix: string): readonly string[] | undefined {
  const bucket = byPrefix.get(prefix);
  if (bucket === undefined) return undefined;
  bucket.longestFirst ??= [...bucket.counts.keys()].sort((a, b) => b.length - a.length);
  return bucket.longestFirst;
}

function indexRegistrations(): void {
  for (const registration of unindexed) {
    registration.forms = encodings(registration.value);
    for (const form of registration.forms) addToIndex(form);
  }
  unindexed = [];
}

/** Keeps the most recently registered values within MAX_SECRETS and MAX_SECRET_CHARS; pinned values stay. */
function forgetLeastRecentlyUsed(): void {
  const oldestFirst = [...registrations.values()].filter((registration) => !registration.pinned).sort((a, b) => a.lastUse - b.lastUse);
  for (const registration of oldestFirst) {
    if (forgettable <= MAX_SECRETS && forgettableChars <= MAX_SECRET_CHARS) break;
    // The newest registration stays, however large: it is the one about to be used.
    if (forgettable === 1) break;
    registrations.delete(registration.value);
    forgettable--;
    forgettableChars -= registration.value.length;
    for (const form of registration.forms ?? []) removeFromIndex(form);
  }
  // A value forgotten before it was indexed is not indexed any more.
  unindexed = unindexed.filter((registration) => registrations.get(registration.value) === registration);
}
