/**
 * The redaction layer every log line and metric passes through: registered secret values are
 * replaced wherever they appear, and fields named like a secret or a token are blanked whatever
 * their value.
 */

export const REDACTED = '[REDACTED]';

/** Field names whose values are never logged. */
const SECRET_FIELD =
  /(secret|token|password|passwd|passphrase|authorization|cookie|credential|private.?key|api.?key|^code$|code.?verifier|^jwt$|assertion|^sig(nature)?$)/i;

/** Registered values shorter than this are not substituted (they would blank ordinary words). */
const MIN_SECRET_LENGTH = 6;

const secrets = new Set<string>();

/** Registers a secret value so that it never appears in any log line, whatever field carries it. */
export function registerSecret(value: string | undefined): void {
  if (value !== undefined && value.length >= MIN_SECRET_LENGTH) secrets.add(value);
}

/** Whether a field of this name holds secret material. */
export function isSecretField(name: string): boolean {
  return SECRET_FIELD.test(name);
}

/** The string with every registered secret (and its URL-encoded form) replaced. */
export function redactString(text: string): string {
  let result = text;
  for (const secret of secrets) {
    if (result.includes(secret)) result = result.split(secret).join(REDACTED);
    const encoded = encodeURIComponent(secret);
    if (encoded !== secret && result.includes(encoded)) result = result.split(encoded).join(REDACTED);
  }
  return result;
}

/** A JSON.stringify replacer applying both rules; Powertools Logger calls it for every key. */
export function redactingReplacer(key: string, value: unknown): unknown {
  if (key !== '' && isSecretField(key) && value !== undefined && value !== null && typeof value !== 'boolean') return REDACTED;
  if (typeof value === 'string') return redactString(value);
  return value;
}

/** A deep copy of `value` with both rules applied (for outputs that do not go through the logger). */
export function redact<T>(value: T): T {
  return JSON.parse(JSON.stringify(value, redactingReplacer) ?? 'null') as T;
}
