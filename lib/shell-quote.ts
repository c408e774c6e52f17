/** Characters a POSIX shell leaves alone in a word. */
const SAFE_WORD = /^[A-Za-z0-9_@%+=:,./-]+$/;

/**
 * One word for a POSIX shell: as is when safe, else in single quotes, so a printed command
 * runs as printed (the CLI's next steps, the callback page's).
 *
 * @example shellQuote('Support mailbox') // "'Support mailbox'"
 */
export function shellQuote(word: string): string {
  if (SAFE_WORD.test(word)) return word;
  return `'${word.replaceAll("'", `'\\''`)}'`;
}

/**
 * A Trustline command line as the README runs it, each argument quoted: for messages written
 * away from the CLI (errors, alerts, pages), which cannot know how the reader runs it.
 *
 * @example trustlineCommand('integrations', 'authorize', 'Support mailbox') // "npx trustline integrations authorize 'Support mailbox'"
 */
export function trustlineCommand(...args: readonly string[]): string {
  return ['npx trustline', ...args.map(shellQuote)].join(' ');
}
