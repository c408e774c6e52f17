import { TrustlineError } from '../lib/errors.ts';

/** A manifest schedule is not valid five-field Unix cron, or EventBridge Scheduler cannot express it. */
export class CronConversionError extends TrustlineError {
  readonly code = 'CRON_NOT_CONVERTIBLE';
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
export class ManifestError extends TrustlineError {
  readonly code = 'MANIFEST_INVALID';
  constructor(
    readonly functionName: string,
    readonly problem: string,
    override readonly fix: string,
    options?: ErrorOptions,
  ) {
    super(`Function "${functionName}" in functions/manifest.ts: ${problem} Fix: ${fix}`, {}, options);
  }
}
