/**
 * The registered secret values, indexed so that finding them in a string costs one map
 * look-up per character whatever the number of secrets.
 */

/** Registered values shorter than this are not substituted (they would blank ordinary words). */
export const MIN_SECRET_LENGTH = 6;

/**
 * Oldest registrations are forgotten past this many: a long-running local runtime registers
 * every refreshed token, and the oldest ones expired long ago.
 */
const MAX_SECRETS = 4096;

/** Secret value -> every form it may take in text (raw, URL-encoded, form-encoded, JSON-escaped). */
const forms = new Map<string, string[]>();
/** First MIN_SECRET_LENGTH characters of a form -> the forms starting with them, longest first. */
let index: Map<string, string[]> | undefined;

/** Registers a secret value so that it never appears in any log line or metric. */
export function registerSecret(value: string | undefined): void {
  if (value === undefined || value.length < MIN_SECRET_LENGTH) return;
  forms.delete(value); // re-registration makes it the newest
  forms.set(value, encodings(value));
  while (forms.size > MAX_SECRETS) forms.delete(forms.keys().next().value as string);
  index = undefined;
}

/** Forgets every registered secret (tests only). */
export function forgetSecrets(): void {
  forms.clear();
  index = undefined;
}

/** The text with every occurrence of a registered secret, in any of its forms, replaced. */
export function replaceSecrets(text: string, replacement: string): string {
  if (forms.size === 0 || text.length < MIN_SECRET_LENGTH) return text;
  const byPrefix = (index ??= buildIndex());
  let out = '';
  let copiedUpTo = 0;
  for (let i = 0; i + MIN_SECRET_LENGTH <= text.length; ) {
    const candidates = byPrefix.get(text.slice(i, i + MIN_SECRET_LENGTH));
    const match = candidates?.find((form) => text.startsWith(form, i));
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

function encodings(value: string): string[] {
  const all = [
    value,
    encodeURIComponent(value),
    new URLSearchParams({ v: value }).toString().slice(2),
    JSON.stringify(value).slice(1, -1),
  ];
  return [...new Set(all)].filter((form) => form.length >= MIN_SECRET_LENGTH);
}

function buildIndex(): Map<string, string[]> {
  const byPrefix = new Map<string, string[]>();
  for (const variants of forms.values()) {
    for (const form of variants) {
      const key = form.slice(0, MIN_SECRET_LENGTH);
      const bucket = byPrefix.get(key) ?? [];
      bucket.push(form);
      byPrefix.set(key, bucket);
    }
  }
  // Longest first, so that a secret containing another registered secret is blanked whole.
  for (const bucket of byPrefix.values()) bucket.sort((a, b) => b.length - a.length);
  return byPrefix;
}
