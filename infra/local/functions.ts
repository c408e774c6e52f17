import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Context } from 'aws-lambda';
import type { FunctionSpec } from '../../functions/manifest.ts';
import { FunctionLoadError } from './errors.ts';

export type LambdaHandler = (event: unknown, context: Context) => Promise<unknown>;

/** The repository root: manifest entries are relative to it. */
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

const DEFAULT_TIMEOUT_SECONDS = 30;

/**
 * Invokes manifest functions in-process as Lambda would: each entry's module is imported once
 * (tsx or vitest compile the .ts on the fly), then its `handler` gets the event and a context.
 */
export function createInvoker(): (fn: FunctionSpec, event: unknown) => Promise<unknown> {
  const loaded = new Map<string, Promise<LambdaHandler>>();
  return async (fn, event) => {
    let handler = loaded.get(fn.name);
    if (handler === undefined) {
      handler = load(fn);
      loaded.set(fn.name, handler);
      // A failed import is retried on the next call (the developer may have fixed the file).
      handler.catch(() => loaded.delete(fn.name));
    }
    return (await handler)(event, lambdaContext(fn));
  };
}

async function load(fn: FunctionSpec): Promise<LambdaHandler> {
  const file = path.isAbsolute(fn.entry) ? fn.entry : path.join(REPO_ROOT, fn.entry);
  let module: { handler?: unknown };
  try {
    module = (await import(pathToFileURL(file).href)) as { handler?: unknown };
  } catch (error) {
    throw new FunctionLoadError(fn.name, fn.entry, 'could not be loaded', { cause: error });
  }
  if (typeof module.handler !== 'function') throw new FunctionLoadError(fn.name, fn.entry, 'exports no `handler` function');
  return module.handler as LambdaHandler;
}

/** A Lambda context for a local invocation; the deadline follows the function's timeout. */
function lambdaContext(fn: FunctionSpec): Context {
  const deadline = Date.now() + (fn.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS) * 1000;
  const context = {
    callbackWaitsForEmptyEventLoop: false,
    functionName: `trustline-${fn.name}`,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:local:000000000000:function:trustline-${fn.name}`,
    memoryLimitInMB: String(fn.memoryMb ?? 256),
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/trustline-${fn.name}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
  };
  // The callback-era methods (done/fail/succeed) are left out: handlers here return promises.
  return context as Context;
}
