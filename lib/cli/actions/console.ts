/** What `trustline console` does, loaded only when it runs (commands/console.ts declares it). */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { startConsoleServer, upstreamFromEnv } from '../../console/index.ts';
import { CliError } from '../errors.ts';
import { EXIT, printError } from '../output.ts';

export interface ConsoleOptions {
  readonly port?: string;
  readonly open: boolean;
  readonly json?: boolean;
}

class ConsoleUsageError extends CliError {
  override readonly code = 'USAGE';
  override readonly exitCode = EXIT.usage;
}

/** Starts the console, opens (or prints) the one-time sign-in URL and serves until SIGINT or SIGTERM. */
export async function consoleCommand(options: ConsoleOptions): Promise<void> {
  const json = options.json === true;
  try {
    const port = options.port === undefined ? 0 : Number(options.port);
    if (!Number.isInteger(port) || port < 0 || port > 65535)
      throw new ConsoleUsageError(`"${options.port ?? ''}" is not a port number.`, 'give --port a number from 1 to 65535, or leave it out for a free port.');
    const upstream = upstreamFromEnv();
    const server = await startConsoleServer({ upstream, port });
    const signIn = server.signInUrl();
    if (json) process.stdout.write(`{"url": ${JSON.stringify(signIn)}}\n`);
    else {
      process.stdout.write(
        [
          `Trustline console at ${server.url} (admin API ${upstream.baseUrl}, ${upstream.auth === 'bearer' ? 'admin token' : 'AWS SigV4'}).`,
          `Sign in (the link works once, for 2 minutes): ${signIn}`,
          'Press Ctrl-C to stop.',
          '',
        ].join('\n'),
      );
    }
    await reachable(upstream);
    if (options.open) openBrowser(signIn);
    await Promise.race([once(process, 'SIGINT'), once(process, 'SIGTERM')]);
    await server.close();
    process.exitCode = EXIT.ok;
  } catch (error) {
    process.exitCode = printError(error, json);
  }
}

/** A warning, not a failure: Trustline may be started after the console. */
async function reachable(upstream: ReturnType<typeof upstreamFromEnv>): Promise<void> {
  try {
    await upstream.send({ method: 'GET', path: '/health' });
  } catch {
    process.stderr.write(`warning: Trustline does not answer at ${upstream.baseUrl} yet; start it with npm start (or set TRUSTLINE_URL).\n`);
  }
}

/** The desktop's URL opener; without one (a server, a container) the printed URL is the way in. */
function openBrowser(url: string): void {
  const [command, args] =
    process.platform === 'darwin' ? ['open', [url]] : process.platform === 'win32' ? ['cmd', ['/c', 'start', '', url]] : ['xdg-open', [url]];
  try {
    const child = spawn(command, args, { detached: true, stdio: 'ignore' });
    child.on('error', () => {
      process.stderr.write(`Could not open a browser (${command}); open the sign-in URL above yourself.\n`);
    });
    child.unref();
  } catch {
    process.stderr.write('Could not open a browser; open the sign-in URL above yourself.\n');
  }
}
