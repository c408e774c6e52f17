/**
 * `npm start`: the local runtime on 127.0.0.1:PORT over the embedded stores. Ctrl-C or
 * SIGTERM stops it cleanly (schedules first, then the server after requests in progress).
 */
import { ManifestError } from '../../functions/manifest-errors.ts';
import { ConfigError, loadConfig } from '../../lib/runtime/config.ts';
import { banner } from './banner.ts';
import { LocalRuntimeError } from './errors.ts';
import { type LocalRuntime, startLocalRuntime } from './runtime.ts';

async function run(): Promise<void> {
  let runtime: LocalRuntime;
  try {
    runtime = await startLocalRuntime({ config: loadConfig() });
  } catch (error) {
    if (error instanceof ConfigError || error instanceof LocalRuntimeError || error instanceof ManifestError) {
      console.error(`Trustline did not start: ${error.message}`);
      process.exitCode = error instanceof ConfigError ? 2 : 1;
      return;
    }
    throw error;
  }
  console.log(banner(runtime));

  let stopping = false;
  const stop = (signal: NodeJS.Signals): void => {
    if (stopping) {
      console.error(`${signal} again: exiting without waiting.`);
      process.exit(1);
    }
    stopping = true;
    console.log(`\n${signal}: stopping Trustline...`);
    runtime.close().then(
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

await run();
