/**
 * `npm start`: the local runtime on 127.0.0.1:PORT over the embedded stores. Ctrl-C or
 * SIGTERM stops it cleanly (schedules first, then the server after requests in progress).
 */
import { loadConfig } from '../../lib/runtime/config.ts';
import { banner } from './banner.ts';
import { startLocalRuntime } from './runtime.ts';
import { serveUntilStopped } from './serve.ts';

await serveUntilStopped(async () => {
  const runtime = await startLocalRuntime({ config: loadConfig() });
  return { banner: banner(runtime), close: () => runtime.close() };
});
