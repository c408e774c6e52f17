/**
 * How a caller should treat an error, named in domain words; lib/http's toProblem turns it into a
 * status. `internal` (the default) is a fault of Trustline or its stores: answered 500 with no detail.
 */
export type ErrorCategory = 'invalid-input' | 'unauthorized' | 'not-found' | 'conflict' | 'upstream' | 'unavailable' | 'internal';

/** What a failed check wanted and found, and what to do about it; every field is optional. */
export interface ErrorDetails {
  readonly expected?: unknown;
  readonly actual?: unknown;
  readonly fix?: string | undefined;
}

/**
 * Base of every Trustline error: a stable `code`, a `category` saying how a caller should treat it, a plain-words message,
 * `expected` / `actual` / `fix`, and the underlying failure as `cause`.
 *
 * @example
 * class LeaseExpiredError extends TrustlineError {
 *   readonly code = 'LEASE_EXPIRED';
 *   override readonly category = 'conflict';
 * }
 * throw new LeaseExpiredError('The lease ran out before the refresh finished.', { fix: 'Run the refresh again.' }, { cause: error });
 */
export abstract class TrustlineError extends Error {
  abstract readonly code: string;
  readonly category: ErrorCategory = 'internal';
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

  /** The structured fields an answer may carry beside code and message (never a secret: messages and fields never hold one). */
  fields(): Readonly<Record<string, unknown>> {
    return Object.fromEntries(Object.entries({ expected: this.expected, actual: this.actual, fix: this.fix }).filter(([, value]) => value !== undefined));
  }
}
