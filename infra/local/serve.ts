import { ManifestError } from '../../functions/manifest-errors.ts';
import { ConfigError } from '../../lib/runtime/config.ts';
import { LocalRuntimeError } from './errors.ts';

/** How soon after a signal the same signal counts as npm's forwarded copy of it rather than a second Ctrl-C. */
const FORWARDED_COPY_MS = 1000;

/** A started server as a command serves it: what it prints, how it stops. */
export interface Served {
  readonly banner: string;
  close(): Promise<void>;
}

/**
 * Starts a server for a terminal (`npm start`, `npm run start:aws-local`): prints its banner, and on
 * Ctrl-C or SIGTERM stops it cleanly (a second signal exits at once). A configuration or runtime
 * error is printed in plain words with exit code 2 or 1.
 */
export async function serveUntilStopped(start: () => Promise<Served>): Promise<void> {
  let served: Served;
  try {
    served = await start();
  } catch (error) {
    if (error instanceof ConfigError || error instanceof LocalRuntimeError || error instanceof ManifestError) {
      console.error(`Trustline did not start: ${error.message}`);
      process.exitCode = error instanceof ConfigError ? 2 : 1;
      return;
    }
    throw error;
  }
  console.log(served.banner);

  let stopping: { signal: NodeJS.Signals; at: number } | undefined;
  const stop = (signal: NodeJS.Signals): void => {
    if (stopping !== undefined) {
      // npm run forwards the Ctrl-C that the terminal also sent this process: the same signal at once is that copy, not a second press.
      if (signal === stopping.signal && performance.now() - stopping.at < FORWARDED_COPY_MS) return;
      console.error(`${signal} again: exiting without waiting.`);
      process.exit(1);
    }
    stopping = { signal, at: performance.now() };
    console.log(`\n${signal}: stopping Trustline...`);
    served.close().then(
      () => {
        console.log('Trustline stopped.');
        process.exit(0);
      },
      (error: unknown) => {
        console.error('Trustline did not stop cleanly:', error);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}
