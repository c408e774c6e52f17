import { eventBridgeCron } from './eventbridge-cron.ts';
import { connectAuthorizer, type FunctionSpec } from './manifest.ts';
import { CronConversionError, ManifestError } from './manifest-errors.ts';

/** API Gateway gives up on an integration after 30 s, so an HTTP function may not run longer. */
const HTTP_TIMEOUT_LIMIT_SECONDS = 30;

/**
 * What deploys but will misbehave: an HTTP function allowed to run longer than API Gateway waits
 * (the caller gets a 503 while the function carries on).
 */
export function manifestWarnings(specs: readonly FunctionSpec[]): string[] {
  return specs
    .filter((spec) => spec.http?.length && (spec.timeoutSeconds ?? 0) > HTTP_TIMEOUT_LIMIT_SECONDS)
    .map(
      (spec) =>
        `Function "${spec.name}" serves HTTP with a ${spec.timeoutSeconds ?? 0}s timeout, but API Gateway answers 503 after ${HTTP_TIMEOUT_LIMIT_SECONDS}s. ` +
        `Set timeoutSeconds to ${HTTP_TIMEOUT_LIMIT_SECONDS} or less, or move the slow work behind a queue.`,
    );
}

/**
 * Checks what the types cannot: names, unique routes, queue targets, secret prefixes, table stores
 * and schedules EventBridge Scheduler can run. `cdk synth` and the local runtime's start both call
 * it, so a manifest that runs locally also deploys.
 */
export function validateManifest(specs: readonly FunctionSpec[]): void {
  const names = new Set<string>();
  const routes = new Map<string, string>();
  for (const spec of specs) {
    if (!/^[a-z][a-z0-9]*(-[a-z0-9]+)*$/.test(spec.name)) {
      throw new ManifestError(spec.name, 'the name is not lower-kebab-case.', 'use letters, digits and single dashes, e.g. "oauth-callback".');
    }
    if (names.has(spec.name)) throw new ManifestError(spec.name, 'the name is used twice.', 'give each function its own name.');
    names.add(spec.name);
    for (const route of spec.http ?? []) {
      const key = `${route.method} ${route.path}`;
      const owner = routes.get(key);
      if (owner !== undefined) throw new ManifestError(spec.name, `the route ${key} is already served by "${owner}".`, 'serve each route from one function.');
      routes.set(key, spec.name);
    }
    const prefix = spec.access.secrets?.prefix;
    if (prefix !== undefined && !/^[A-Za-z0-9/_+=.@-]+$/.test(prefix)) {
      throw new ManifestError(
        spec.name,
        `the secrets prefix "${prefix}" is empty or holds characters outside a secret name.`,
        'use a prefix such as "oauth/" (letters, digits, / _ + = . @ -).',
      );
    }
    const stores = Object.keys(spec.access.table ?? {});
    if (spec.access.table !== undefined && stores.length === 0) {
      throw new ManifestError(
        spec.name,
        'access.table names no store.',
        "name the stores it uses (functions/table-items.ts), e.g. `table: { trust: 'read' }`, or remove `table`.",
      );
    }
    if (spec.access.outbound === true && spec.access.table?.trust === undefined) {
      throw new ManifestError(
        spec.name,
        'access.outbound is set, but the function may not read the managed truststore that every outbound connection trusts.',
        "add `trust: 'read'` to its access.table.",
      );
    }
    for (const schedule of spec.schedules ?? []) {
      try {
        eventBridgeCron(schedule.cron);
      } catch (error) {
        if (!(error instanceof CronConversionError)) throw error;
        throw new ManifestError(spec.name, `the schedule "${schedule.cron}" cannot run on EventBridge Scheduler: ${error.problem}`, error.fix, {
          cause: error,
        });
      }
    }
  }
  const authorizer = specs.find((s) => s.name === connectAuthorizer.function);
  const guarded = specs.find((s) => s.http?.some((route) => route.auth === 'connect'));
  if (guarded !== undefined && authorizer === undefined) {
    throw new ManifestError(
      guarded.name,
      `a route has auth 'connect' but the manifest has no "${connectAuthorizer.function}" function to authorize it.`,
      `keep the "${connectAuthorizer.function}" entry of functions/manifest.ts.`,
    );
  }
  if (authorizer?.http?.length) {
    throw new ManifestError(
      authorizer.name,
      'the Connect authorizer serves routes of its own.',
      'remove its `http` routes: API Gateway calls it before the routes it protects.',
    );
  }
  for (const spec of specs) {
    const target = spec.access.queueTo;
    if (target !== undefined && specs.find((s) => s.name === target)?.queue === undefined) {
      throw new ManifestError(
        spec.name,
        `access.queueTo names "${target}", which is not a function with a queue.`,
        `add \`queue: { batchSize }\` to "${target}" or correct the name.`,
      );
    }
  }
}
