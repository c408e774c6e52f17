import { type Command, Option } from 'commander';
import { completionScript, type Shell, SHELLS } from '../completion.ts';
import { action } from '../output.ts';

/** `trustline completion bash|zsh|fish`: prints a completion script for the shell. */
export function register(program: Command): void {
  program
    .command('completion')
    .description('print a shell completion script: eval "$(trustline completion bash)", or | source in fish')
    .addArgument(program.createArgument('<shell>', 'bash, zsh or fish').choices(SHELLS))
    .addOption(new Option('--json', 'print {shell, script} as one JSON document'))
    .action(
      action((shell: Shell) => {
        const script = completionScript(program, shell);
        return { document: { shell, script }, text: script.trimEnd() };
      }),
    );
}
