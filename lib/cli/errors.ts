import { TrustlineError } from '../errors.ts';
import { EXIT, type ExitCode } from './output-codes.ts';

/** Base of the CLI's errors: a stable `code`, a plain message, the exit code and, where known, the fix. */
export class CliError extends TrustlineError {
  readonly code: string = 'CLI_ERROR';
  readonly exitCode: ExitCode = EXIT.failed;
  constructor(message: string, fix?: string, options?: ErrorOptions) {
    super(message, { fix }, options);
  }
}

/** The local runtime does not answer at the URL. */
export class NotRunningError extends CliError {
  override readonly code = 'NOT_RUNNING';
  constructor(
    readonly url: string,
    options?: ErrorOptions,
  ) {
    super(`Trustline is not running at ${url}: start it with npm start.`, 'if it runs somewhere else, set TRUSTLINE_URL to its address.', options);
  }
}

/** The server was found but the exchange failed: DNS, reset, timeout. */
export class UnreachableError extends CliError {
  override readonly code = 'UNREACHABLE';
  constructor(
    readonly url: string,
    reason: string,
    options?: ErrorOptions,
  ) {
    super(`Could not reach Trustline at ${url}: ${reason}.`, 'check TRUSTLINE_URL and that Trustline is running.', options);
  }
}

/** No admin token in the environment or the data directory. */
export class MissingAdminTokenError extends CliError {
  override readonly code = 'NO_ADMIN_TOKEN';
  override readonly exitCode = EXIT.usage;
  constructor(readonly file: string) {
    super(
      `No admin token: TRUSTLINE_ADMIN_TOKEN is not set and ${file} does not exist.`,
      'start Trustline once with `npm start` from the same directory (it creates the file), or set TRUSTLINE_ADMIN_TOKEN and TRUSTLINE_DATA_DIR like the server.',
    );
  }
}

/** The admin API answered with a problem (RFC 9457): 4xx means the input was wrong (exit 2), 5xx that Trustline failed (exit 1). */
export class AdminApiError extends CliError {
  override readonly code: string;
  override readonly exitCode: ExitCode;
  constructor(
    readonly status: number,
    code: string,
    readonly detail: string,
    /** The whole problem document, for --json output. */
    readonly problem: Readonly<Record<string, unknown>>,
  ) {
    // The server's own fix (what to do about this problem) is printed as the CLI's.
    super(detail, typeof problem.fix === 'string' ? problem.fix : undefined);
    this.code = code;
    this.exitCode = status >= 400 && status < 500 ? EXIT.usage : EXIT.failed;
  }
}

/** The server answered something the CLI cannot read (not JSON, or not the expected shape). */
export class UnexpectedResponseError extends CliError {
  override readonly code = 'UNEXPECTED_RESPONSE';
  constructor(
    readonly url: string,
    problem: string,
    options?: ErrorOptions,
  ) {
    super(
      `Trustline at ${url} answered unexpectedly: ${problem}.`,
      'make sure TRUSTLINE_URL points at Trustline and that the CLI and the server are the same version.',
      options,
    );
  }
}

/** TRUSTLINE_URL is plain http to another machine: the admin token would cross the network in clear. */
export class InsecureUrlError extends CliError {
  override readonly code = 'INSECURE_URL';
  override readonly exitCode = EXIT.usage;
  constructor(readonly url: string) {
    super(
      `TRUSTLINE_URL "${url}" is plain http to another machine; the CLI sends its admin token only over https there.`,
      'use the https:// address of that Trustline (plain http is fine on 127.0.0.1, localhost and [::1]).',
    );
  }
}

/** TRUSTLINE_URL is not an http(s) URL. */
export class InvalidUrlError extends CliError {
  override readonly code = 'INVALID_URL';
  override readonly exitCode = EXIT.usage;
  constructor(readonly url: string) {
    super(`TRUSTLINE_URL "${url}" is not an http(s) URL.`, 'set it like http://127.0.0.1:3000, or unset it for that default.');
  }
}
