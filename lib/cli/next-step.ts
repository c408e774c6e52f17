/**
 * Commands the CLI prints as next steps. They must run as printed: the same program name the
 * user typed (`npx trustline` under npx, else `trustline`) and every argument shell-quoted.
 */

import { shellQuote } from '../shell-quote.ts';

export { shellQuote };

/** How the user runs the CLI: npm sets npm_command=exec for `npx` and `npm exec`. */
export function programName(env: NodeJS.ProcessEnv = process.env): string {
  return env.npm_command === 'exec' ? 'npx trustline' : 'trustline';
}

/**
 * A CLI command line to print as a next step.
 *
 * @example cliCommand(['integrations', 'authorize', 'Support mailbox']) // "npx trustline integrations authorize 'Support mailbox'"
 */
export function cliCommand(args: readonly string[], env: NodeJS.ProcessEnv = process.env): string {
  return [programName(env), ...args.map(shellQuote)].join(' ');
}
