import { TrustlineError } from '../../lib/errors.ts';

/** Base of the local runtime's errors: a stable `code`, a plain message and the fix, which the message repeats. */
export class LocalRuntimeError extends TrustlineError {
  readonly code: string = 'LOCAL_RUNTIME_ERROR';
  declare readonly fix: string;
  constructor(message: string, fix: string, options?: ErrorOptions) {
    super(`${message} Fix: ${fix}`, { fix }, options);
  }
}

/** Two manifest entries declare the same method and path. */
export class DuplicateRouteError extends LocalRuntimeError {
  override readonly code = 'DUPLICATE_ROUTE';
  constructor(
    readonly routeKey: string,
    readonly first: string,
    readonly second: string,
  ) {
    super(`The route ${routeKey} is declared by both "${first}" and "${second}".`, 'serve each route from one function in functions/manifest.ts.');
  }
}

/** The admin-token file exists but cannot be used. */
export class AdminTokenFileError extends LocalRuntimeError {
  override readonly code = 'ADMIN_TOKEN_FILE';
  constructor(
    readonly file: string,
    readonly problem: string,
    options?: ErrorOptions,
  ) {
    super(`The admin token file ${file} ${problem}.`, `delete ${file} to have a new token generated at the next start, or set TRUSTLINE_ADMIN_TOKEN.`, options);
  }
}

/** A manifest entry's module could not be loaded or exports no `handler` function. */
export class FunctionLoadError extends LocalRuntimeError {
  override readonly code = 'FUNCTION_LOAD_FAILED';
  constructor(
    readonly functionName: string,
    readonly entry: string,
    problem: string,
    options?: ErrorOptions,
  ) {
    super(
      `The function "${functionName}" (${entry}) ${problem}.`,
      `check the entry path in functions/manifest.ts and that the module exports \`handler\`.`,
      options,
    );
  }
}

/** The port is taken or not ours to bind. */
export class ListenError extends LocalRuntimeError {
  override readonly code = 'LISTEN_FAILED';
  constructor(
    readonly port: number,
    options?: ErrorOptions,
  ) {
    super(
      `Trustline could not listen on 127.0.0.1:${port} (${(options?.cause as NodeJS.ErrnoException | undefined)?.code ?? 'error'}).`,
      `stop whatever uses port ${port}, or start with PORT=<another port> (PORT=0 picks a free one).`,
      options,
    );
  }
}

/** A manifest schedule croner cannot read. */
export class InvalidScheduleError extends LocalRuntimeError {
  override readonly code = 'INVALID_SCHEDULE';
  constructor(
    readonly functionName: string,
    readonly cron: string,
    options?: ErrorOptions,
  ) {
    super(
      `The schedule "${cron}" of "${functionName}" is not a cron expression.`,
      'write five fields: minute hour day-of-month month day-of-week (UTC).',
      options,
    );
  }
}
