import type { Command } from 'commander';

/** `trustline console [--port N] [--no-open] [--json]`: the browser console on 127.0.0.1 over the admin API at TRUSTLINE_URL. */
export function register(program: Command): void {
  program
    .command('console')
    .description('open the admin console in a browser (a local server over the admin API at TRUSTLINE_URL; Ctrl-C stops it)')
    .option('--port <port>', 'port on 127.0.0.1 (default: a free one)')
    .option('--no-open', 'print the one-time sign-in URL instead of opening the browser')
    .option('--json', 'print {"url": "<one-time sign-in URL>"} as the first line on stdout')
    .action(async (options: { port?: string; open: boolean; json?: boolean }) => {
      await (await import('../actions/console.ts')).consoleCommand(options);
    });
}
