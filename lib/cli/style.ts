import pc from 'picocolors';

/**
 * Colour for text meant for a person: on when stdout is a terminal, off in a pipe and with
 * --json. NO_COLOR turns it off and FORCE_COLOR on (no-color.org, force-color.org).
 * picocolors' own detection is not used: it also colours whenever CI is set, pipes included.
 */
// `isTTY` is typed boolean but is undefined when stdout is a pipe.
export function colourWanted(env: NodeJS.ProcessEnv = process.env, isTty: unknown = process.stdout.isTTY): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.FORCE_COLOR !== undefined) return env.FORCE_COLOR !== '0' && env.FORCE_COLOR !== 'false';
  return isTty === true && env.TERM !== 'dumb';
}

let current = pc.createColors(false);

/** Chooses colour for this run (main.ts, once the output mode is known). */
export function useColour(enabled: boolean): void {
  // Always a boolean: picocolors reads a missing argument as "detect", and it detects colour whenever CI is set.
  current = pc.createColors(enabled);
}

/** The colour functions in force: identity functions when colour is off. */
export const colour = {
  ok: (text: string) => current.green(text),
  warn: (text: string) => current.yellow(text),
  bad: (text: string) => current.red(current.bold(text)),
  dim: (text: string) => current.dim(text),
  bold: (text: string) => current.bold(text),
  command: (text: string) => current.cyan(text),
};
