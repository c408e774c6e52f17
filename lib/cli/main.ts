import { Command, CommanderError } from 'commander';
import { version } from '../runtime/version.ts';
import { EXIT } from './output.ts';

/**
 * `trustline`: one module per command group under commands/, each exporting
 * `register(program)`. Add a group by adding it to this list.
 */
const groups: readonly (() => Promise<{ register(program: Command): void }>)[] = [];

export async function main(argv: readonly string[]): Promise<number> {
  const program = new Command('trustline')
    .description('Keeps external trust healthy: OAuth mail grants, TLS certificates, Connect JWTs.')
    .version(version, '-v, --version')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  for (const load of groups) (await load()).register(program);
  try {
    await program.parseAsync(argv, { from: 'user' });
    return typeof process.exitCode === 'number' ? process.exitCode : EXIT.ok;
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.code === 'commander.help') return EXIT.ok;
      return EXIT.usage;
    }
    throw error;
  }
}
