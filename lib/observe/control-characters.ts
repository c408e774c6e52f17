/**
 * C0 and C1 control characters except tab and newline (and DEL). Text a provider or a mail server
 * wrote can carry terminal escape sequences (ESC [ ... or the one-byte CSI 0x9B) that would
 * repaint, hide or forge what an administrator reads in `trustline integrations show`.
 */
// eslint-disable-next-line no-control-regex -- finding control characters is this module's job
const CONTROL = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F]/g;

/** The text without control characters (tab and newline kept). */
export function withoutControlCharacters(text: string): string {
  return text.replace(CONTROL, '');
}
