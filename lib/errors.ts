/** What a failed check wanted and found, and what to do about it; every field is optional. */
export interface ErrorDetails {
  readonly expected?: unknown;
  readonly actual?: unknown;
  readonly fix?: string | undefined;
}

/**
 * Base of every Trustline error: a stable `code`, a plain-words message, `expected` / `actual` / `fix`, and the underlying failure as `cause`.
 *
 * @example
 * class LeaseExpiredError extends TrustlineError {
 *   readonly code = 'LEASE_EXPIRED';
 * }
 * throw new LeaseExpiredError('The lease ran out before the refresh finished.', { fix: 'Run the refresh again.' }, { cause: error });
 */
export abstract class TrustlineError extends Error {
  abstract readonly code: string;
  readonly expected?: unknown;
  readonly actual?: unknown;
  readonly fix?: string;
  constructor(message: string, details: ErrorDetails = {}, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
    this.expected = details.expected;
    this.actual = details.actual;
    this.fix = details.fix;
  }
}
