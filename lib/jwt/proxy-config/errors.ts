import { TrustlineError, type ErrorDetails } from '../../errors.ts';

export type ProxyConfigErrorCode = 'CONFIG_UNREADABLE' | 'CONFIG_SYNTAX' | 'CONFIG_KIND_UNKNOWN' | 'CONFIG_TOO_LARGE';

/** A configuration `jwt proxy-check` cannot read or make sense of: bad input, exit 2. */
export class ProxyConfigError extends TrustlineError {
  constructor(
    readonly code: ProxyConfigErrorCode,
    message: string,
    details: ErrorDetails = {},
    options?: ErrorOptions,
  ) {
    super(message, details, options);
  }
}
