/**
 * The CLI's output convention, shared by every command: with `--json`, exactly one JSON
 * document on stdout and nothing else; otherwise text for a person. Errors go to stderr (with
 * `--json` the error is also the one document on stdout). Exit 0 ok, 1 the checked thing
 * failed, 2 bad usage or input.
 */
import { Command } from 'commander';
import { withoutControlCharacters, replaceSecrets } from '../observe/index.ts';
import { ConfigError } from '../runtime/config-error.ts';
import { AdminApiError, CliError } from './errors.ts';
import { nagiosUnknown } from './nagios.ts';
import { EXIT, EXIT_NAGIOS, type ExitCode } from './output-codes.ts';
import { useSpinner } from './spinner.ts';
import { colour, colourWanted, useColour } from './style.ts';

export { EXIT, type ExitCode };

/**
 * Registered secret values (the admin token, a client secret) never reach the terminal. Only
 * those: the CLI's own explanations mention headers like `Authorization: Bearer <token>`,
 * which the log redactor's shape rules would blank.
 */
const redactString = (text: string): string => replaceSecrets(text, '[REDACTED]');

/** Colour sequences (SGR, `ESC [ … m`) the CLI itself adds; anything else that is a control character goes. */
// eslint-disable-next-line no-control-regex -- matching the escape character is the point
const SGR = /(\u001b\[[0-9;]*m)/;

/** The text without control characters, keeping only colour (which at worst recolours, never repaints or hides). */
function safeForTerminal(text: string): string {
  return text
    .split(SGR)
    .map((part, i) => (i % 2 === 1 ? part : withoutControlCharacters(part)))
    .join('');
}

/** What a command produced: the document `--json` prints, and the same for a person. */
export interface CommandResult<T = unknown> {
  readonly document: T;
  readonly text: string;
  /** EXIT.failed when the checked thing failed (an expired certificate, an invalid token). Default ok. */
  readonly exitCode?: ExitCode;
  /** The command already wrote its output to stdout (`trust export --out -`): print no text. */
  readonly silent?: boolean;
}

/** Adds the `--json` option with its standard help. */
export function withJson(command: Command): Command {
  return command.option('--json', 'print one JSON document on stdout and nothing else');
}

/**
 * Wraps a command's action: prints its result by the convention and turns any error into a
 * message on stderr and the matching exit code. Commander passes `(...arguments, options, command)`.
 *
 * @example withJson(program.command('status')).action(action(async () => ({ document: health, text: 'running' })));
 */
export function action<Args extends unknown[]>(run: (...args: Args) => Promise<CommandResult> | CommandResult): (...args: Args) => Promise<void> {
  return async (...args) => {
    const command = args.findLast((arg): arg is Command => arg instanceof Command);
    const options = command?.optsWithGlobals<{ json?: boolean; nagios?: boolean }>() ?? {};
    const json = options.json === true;
    const nagios = options.nagios === true;
    useColour(!json && !nagios && colourWanted());
    useSpinner(!json && !nagios);
    try {
      const result = await run(...args);
      if (json) printJson(result.document);
      // Text shows what providers and mail servers wrote: their control characters never reach the terminal.
      else if (result.silent !== true)
        process.stdout.write(`${safeForTerminal(result.text)}
`);
      process.exitCode = result.exitCode ?? EXIT.ok;
    } catch (error) {
      process.exitCode = nagios ? printNagiosError(error) : printError(error, json);
    }
  };
}

/** Prints one JSON document on stdout. */
export function printJson(document: unknown): void {
  process.stdout.write(`${JSON.stringify(document, null, 2)}\n`);
}

/**
 * Reports an error: the message (redacted, with its fix) on stderr; with `json` also
 * `{ error: { code, message, ... } }` as the one document on stdout. Returns the exit code.
 */
export function printError(error: unknown, json: boolean): ExitCode {
  const { code, message, fix, exitCode, extra } = describeError(error);
  const safeMessage = redactString(message);
  const fieldLines = fieldErrors(extra).map((e) => `\n  - ${e.field}: ${redactString(e.message)}`);
  process.stderr.write(`${safeForTerminal(
    `${colour.bad('Error:')} ${safeMessage}${fieldLines.join('')}${
      fix === undefined
        ? ''
        : `
  Fix: ${redactString(fix)}`
    }`,
  )}
`);
  if (json) printJson({ error: { ...extra, code, message: safeMessage, ...(fix === undefined ? {} : { fix }) } });
  return exitCode;
}

/** `--nagios`: a check that could not run is UNKNOWN (exit 3), on stdout where the monitoring system reads it. */
export function printNagiosError(error: unknown): ExitCode {
  const { message, fix } = describeError(error);
  process.stdout.write(`${nagiosUnknown(redactString(fix === undefined ? message : `${message} ${fix}`))}\n`);
  return EXIT_NAGIOS.UNKNOWN;
}

function describeError(error: unknown): { code: string; message: string; fix?: string; exitCode: ExitCode; extra: Record<string, unknown> } {
  if (error instanceof CliError) {
    // A problem's structured fields (status, the fields in error, the position) help both readers.
    const extra = error instanceof AdminApiError ? withoutKeys(error.problem, ['type', 'title', 'detail', 'code']) : {};
    return { code: error.code, message: error.message, fix: error.fix, exitCode: error.exitCode, extra };
  }
  if (error instanceof ConfigError) return { code: error.code, message: error.message, exitCode: EXIT.usage, extra: {} };
  const message = error instanceof Error ? error.message : String(error);
  return { code: 'UNEXPECTED', message: `Trustline's CLI hit an unexpected error: ${message}`, exitCode: EXIT.failed, extra: {} };
}

function fieldErrors(extra: Record<string, unknown>): { field: string; message: string }[] {
  const errors = extra.errors;
  if (!Array.isArray(errors)) return [];
  return errors.filter(
    (e): e is { field: string; message: string } =>
      typeof (e as { field?: unknown }).field === 'string' && typeof (e as { message?: unknown }).message === 'string',
  );
}

function withoutKeys(record: Readonly<Record<string, unknown>>, keys: readonly string[]): Record<string, unknown> {
  return Object.fromEntries(Object.entries(record).filter(([key]) => !keys.includes(key)));
}
