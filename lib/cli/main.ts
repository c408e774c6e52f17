import { Command, CommanderError } from 'commander';
import { version } from '../runtime/version.ts';
import { EXIT, type ExitCode, printError, printJson } from './output.ts';

/**
 * `trustline`: one module per command group under commands/, each exporting
 * `register(program)`. Add a group by adding it to this list. A group module declares its commands
 * with commander only; each action imports what it runs (actions/) when it runs, so `--help` and
 * every command load only what they use.
 */
const groups: readonly (() => Promise<{ register(program: Command): void }>)[] = [
  () => import('./commands/status.ts'),
  () => import('./commands/jwt.ts'),
  () => import('./commands/certs.ts'),
  () => import('./commands/trust.ts'),
  () => import('./commands/integrations.ts'),
  () => import('./commands/console.ts'),
];

/** Runs the CLI on `argv` (without node and the script) and returns the exit code; it never exits the process itself. */
export async function main(argv: readonly string[]): Promise<number> {
  const json = argv.includes('--json');
  const previous = process.exitCode;
  process.exitCode = undefined;
  try {
    const program = new Command('trustline')
      .description('Keeps external trust healthy: OAuth mail grants, TLS certificates, Connect JWTs.')
      .version(version, '-v, --version');
    for (const load of groups) (await load()).register(program);
    configure(program);
    await program.parseAsync(argv, { from: 'user' });
    return asExitCode(process.exitCode);
  } catch (error) {
    if (error instanceof CommanderError) return commanderExit(error, json);
    return printError(error, json);
  } finally {
    process.exitCode = previous;
  }
}

/** Every command, registered before or after, throws instead of exiting and shows help after an error. */
function configure(command: Command): void {
  command.exitOverride().showHelpAfterError('(run with --help for usage)');
  for (const sub of command.commands) configure(sub);
}

/** Commander has already printed its message on stderr; with --json the error is also the one document on stdout. */
function commanderExit(error: CommanderError, json: boolean): ExitCode {
  if (error.exitCode === 0) return EXIT.ok;
  // Commander's own errors (unknown command or option, missing argument) are usage errors; commands
  // that call `command.error(..., { exitCode })` choose their code.
  const exitCode = error.code.startsWith('commander.') ? EXIT.usage : asExitCode(error.exitCode);
  if (json) printJson({ error: { code: exitCode === EXIT.usage ? 'USAGE' : 'FAILED', message: error.message.replace(/^error: /, '') } });
  return exitCode;
}

function asExitCode(code: string | number | null | undefined): ExitCode {
  if (code === undefined || code === null || code === 0 || code === '0') return EXIT.ok;
  return Number(code) === EXIT.usage ? EXIT.usage : EXIT.failed;
}
