import { TrustlineError } from '../../lib/errors.ts';

/** Base of the errors raised while building the AWS stack from the manifest. */
export class InfraError extends TrustlineError {
  readonly code: string = 'INFRA_ERROR';
}

/** A manifest schedule is not valid five-field Unix cron, or EventBridge Scheduler cannot express it. */
export class CronConversionError extends InfraError {
  override readonly code = 'CRON_NOT_CONVERTIBLE';
  constructor(
    override readonly actual: string,
    readonly problem: string,
    override readonly fix: string,
    override readonly expected = 'five-field Unix cron in UTC: minute hour day-of-month month day-of-week',
  ) {
    super(`The schedule "${actual}" cannot run on EventBridge Scheduler: ${problem} Fix: ${fix}`);
  }
}

/** The manifest is inconsistent (a `queueTo` naming no queue-consuming function, a duplicate route...). */
export class ManifestError extends InfraError {
  override readonly code = 'MANIFEST_INVALID';
  constructor(
    readonly functionName: string,
    readonly problem: string,
    override readonly fix: string,
    options?: ErrorOptions,
  ) {
    super(`Function "${functionName}" in functions/manifest.ts: ${problem} Fix: ${fix}`, {}, options);
  }
}

/** A Lambda bundle would carry code that only the local backend runs (the embedded database and its native addon). */
export class LocalCodeInBundleError extends InfraError {
  override readonly code = 'LOCAL_CODE_IN_BUNDLE';
  constructor(
    readonly functionName: string,
    readonly sources: readonly string[],
  ) {
    super(
      `The Lambda bundle of "${functionName}" carries code of the local backend: ${sources.join(', ')}. A Lambda runs on the aws backend only, and lmdb's native addon is not deployed.`,
      {
        expected: 'no module of lib/store/local, lib/runtime/local-services.ts or lmdb in a Lambda bundle',
        actual: sources,
        fix: 'Reach the local backend only through lib/runtime/services.ts, behind its __TRUSTLINE_BUNDLE_LOCAL__ test, and never import lib/store/local from code a handler imports.',
      },
    );
  }
}
