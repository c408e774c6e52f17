/**
 * The CLI's output convention, shared by every command: with `--json`, exactly one JSON
 * document on stdout and nothing else; otherwise text for a person. Errors go to stderr (with
 * `--json` the error is also the one document on stdout). Exit 0 ok, 1 the checked thing
 * failed, 2 bad usage or input.
 */
import { Command } from 'commander';
import { withoutControlCharacters } from '../observe/control-characters.ts';
import { redactString } from '../observe/redact.ts';
import { ConfigError } from '../runtime/config-error.ts';
import { AdminApiError, CliError } from './errors.ts';
import { EXIT, type ExitCode } from './output-codes.ts';

export { EXIT, type ExitCode };

/** What a command produced: the document `--json` prints, and the same for a person. */
export interface CommandResult<T = unknown> {
  readonly document: T;
  readonly text: string;
  /** EXIT.failed when the checked thing failed (an expired certificate, an invalid token). Default ok. */
  readonly exitCode?: ExitCode;
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
    const json = command?.optsWithGlobals<{ json?: boolean }>().json === true;
    try {
      const result = await run(...args);
      if (json) printJson(result.document);
      // Text shows what providers and mail servers wrote: their control characters never reach the terminal.
      else process.stdout.write(`${withoutControlCharacters(result.text)}\n`);
      process.exitCode = result.exitCode ?? EXIT.ok;
    } catch (error) {
      process.exitCode = printError(error, json);
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
  process.stderr.write(withoutControlCharacters(`Error: ${safeMessage}${fieldLines.join('')}${fix === undefined ? '' : `\n  Fix: ${redactString(fix)}`}`) + '\n');
  if (json) printJson({ error: { ...extra, code, message: safeMessage, ...(fix === undefined ? {} : { fix }) } });
  return exitCode;
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
  return errors.filter((e): e is { field: string; message: string } => typeof (e as { field?: unknown }).field === 'string' && typeof (e as { message?: unknown }).message === 'string');
}

function withoutKeys(record: Readonly<Record<string, unknown>>, keys: readonly string[]): Record<string, unknown> {
  return Object.fromEntries(Object.entries(record).filter(([key]) => !keys.includes(key)));
}
