import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';
import { connectAuthorizer, type FunctionSpec, manifest as defaultManifest } from '../../functions/manifest.ts';
import { validateManifest } from '../../functions/validate-manifest.ts';
import { composeServices, type Config, loadConfig, type Services, setServices } from '../../lib/runtime/index.ts';
import { type AdminAuth, loadAdminAuth } from './auth.ts';
import { createConnectGate } from './connect-gate.ts';
import { ListenError } from './errors.ts';
import { createInvoker } from './functions.ts';
import { withLocalQueues } from './queue.ts';
import { type RouteEntry, createRouter } from './router.ts';
import { type RunningScheduler, scheduledJobs, startScheduler } from './scheduler.ts';
import { createLocalServer } from './server.ts';

export const LOOPBACK = '127.0.0.1';

export interface LocalRuntimeOptions {
  /** Port on 127.0.0.1; 0 picks a free one. Default: `config.port`. */
  readonly port?: number;
  /** Default: parsed from the environment. */
  readonly config?: Config;
  /** Ports to use instead of composing them from `config` (test stubs). Installed with setServices. */
  readonly services?: Services;
  /** Functions to serve and schedule. Default: functions/manifest.ts. */
  readonly manifest?: readonly FunctionSpec[];
  /** How long close() lets requests in progress finish. Default 5000 ms. */
  readonly shutdownGraceMs?: number;
  /**
   * Runs the functions somewhere else (aws-local: each built bundle in a process of its own); this
   * process then composes no services. Default: the handlers in-process over `config`'s stores.
   */
  readonly invoke?: Invoker;
}

/** Hands an event to a function and returns its answer, as Lambda's invoke does. */
export type Invoker = (fn: FunctionSpec, event: unknown) => Promise<unknown>;

export interface LocalRuntime {
  /** `http://127.0.0.1:<port>`, no trailing slash. */
  readonly url: string;
  readonly port: number;
  /** The configuration in force: the real port, and the public URL derived from it unless set explicitly. */
  readonly config: Config;
  /** Where the admin token comes from (never the token: tests that need it pass `config.adminToken`). */
  readonly adminToken: Pick<AdminAuth, 'source' | 'file'>;
  readonly routes: readonly RouteEntry[];
  readonly schedules: RunningScheduler['jobs'];
  /** Stops the schedules, stops accepting, waits briefly for requests in progress, closes. Idempotent. */
  close(): Promise<void>;
}

/**
 * Starts the whole local stack in-process: every HTTP route of the manifest on 127.0.0.1 as
 * API Gateway would serve it, every schedule on its cron, the stores of `config` (or the given
 * services). One runtime per process: handlers reach the stores through the process-wide
 * `services()`.
 *
 * @example const rt = await startLocalRuntime({ port: 0, config: { ...loadConfig(), dataDir, adminToken } }); await fetch(`${rt.url}/health`); await rt.close();
 */
export async function startLocalRuntime(options: LocalRuntimeOptions = {}): Promise<LocalRuntime> {
  const baseConfig = options.config ?? loadConfig();
  const functions = options.manifest ?? defaultManifest;
  validateManifest(functions);
  const routes = functions.flatMap((fn) => (fn.http ?? []).map((route) => ({ fn, route })));
  const route = createRouter(routes);
  const auth = await loadAdminAuth(baseConfig);
  const invoke = options.invoke ?? createInvoker();

  let markReady!: () => void;
  let markFailed!: (error: unknown) => void;
  const ready = new Promise<void>((resolve, reject) => {
    markReady = resolve;
    markFailed = reject;
  });
  ready.catch(() => undefined); // requests waiting on it are closed with the server
  const connect = createConnectGate(
    functions.find((fn) => fn.name === connectAuthorizer.function),
    invoke,
  );
  const local = createLocalServer({ route, auth, connect, invoke, ready, publicUrl: baseConfig.publicUrl });
  const port = await listen(local.server, options.port ?? baseConfig.port);

  let scheduler: RunningScheduler | undefined;
  try {
    const config = effectiveConfig(baseConfig, port);
    // With an invoke of its own (aws-local: the built bundles), the functions compose their own services.
    if (options.invoke === undefined) setServices(withLocalQueues(options.services ?? (await composeServices(config)), functions, invoke));
    scheduler = startScheduler(scheduledJobs(functions), invoke);
    markReady();
    const runtime: LocalRuntime = {
      url: `http://${LOOPBACK}:${port}`,
      port,
      config,
      adminToken: { source: auth.source, file: auth.file },
      routes,
      schedules: scheduler.jobs,
      close: once(async () => {
        const graceMs = options.shutdownGraceMs ?? 5000;
        // Runs in progress get the same grace as requests; a hung run does not hold the shutdown.
        await Promise.race([scheduler?.stop(), delay(graceMs)]);
        await local.drain(graceMs);
        setServices(undefined);
      }),
    };
    return runtime;
  } catch (error) {
    markFailed(error);
    await scheduler?.stop();
    await local.drain(0);
    setServices(undefined);
    throw error;
  }
}

/** With PORT=0 the public URL derived from the port must name the port actually bound. */
function effectiveConfig(config: Config, port: number): Config {
  const derived = config.publicUrl === `http://${LOOPBACK}:${config.port}`;
  if (!derived) return { ...config, port };
  // A port picked at random makes a redirect URL that changes at every restart (lib/oauth/redirect-warnings.ts).
  return { ...config, port, publicUrl: `http://${LOOPBACK}:${port}`, randomPort: port !== config.port || config.port === 0 };
}

function listen(server: Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', (error) => {
      reject(new ListenError(port, { cause: error }));
    });
    server.listen(port, LOOPBACK, () => {
      resolve((server.address() as AddressInfo).port);
    });
  });
}

function once(action: () => Promise<void>): () => Promise<void> {
  let running: Promise<void> | undefined;
  return () => (running ??= action());
}
