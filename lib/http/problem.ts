import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { type ErrorCategory, TrustlineError } from '../errors.ts';

/**
 * An RFC 9457 problem: a stable `code` other tools match on, a plain-words `detail`
 * an administrator understands, and optional structured fields.
 */
export class HttpProblem extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly detail: string,
    readonly extra: Readonly<Record<string, unknown>> = {},
    options?: ErrorOptions,
  ) {
    super(detail, options);
    this.name = 'HttpProblem';
  }
}

const titles: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
};

/** The `application/problem+json` response for a problem. */
export function problemResult(problem: HttpProblem, headers: Record<string, string> = {}): APIGatewayProxyStructuredResultV2 {
  return {
    statusCode: problem.status,
    headers: { 'content-type': 'application/problem+json', 'cache-control': 'no-store', ...headers },
    // Extra fields first: they may never override the fields clients match on.
    body: JSON.stringify({
      ...problem.extra,
      // Relative (RFC 9457 §3.1.1 allows it): resolved against the API that answered, no domain the project does not own.
      type: `/problems/${problem.code.toLowerCase().replaceAll('_', '-')}`,
      title: titles[problem.status] ?? 'Error',
      status: problem.status,
      code: problem.code,
      detail: problem.detail,
    }),
  };
}

export const notFound = (what: string): HttpProblem => new HttpProblem(404, 'NOT_FOUND', `${what} does not exist.`);

const STATUS: Readonly<Record<ErrorCategory, number>> = {
  'invalid-input': 400,
  unauthorized: 401,
  'not-found': 404,
  conflict: 409,
  upstream: 502,
  unavailable: 503,
  internal: 500,
};

export interface ProblemOptions {
  /** Named in the answer to an unexpected error, so the administrator finds the log line. */
  readonly requestId?: string;
  /**
   * For a caller who may not learn why (a public route called by anyone): the status and code
   * only, in words that say nothing of the network, the stores or the token.
   */
  readonly anonymous?: boolean;
}

/**
 * THE mapping from errors to HTTP answers: an HttpProblem as it is; a TrustlineError by its `category`
 * (its code, message and fields kept); anything else, and a TrustlineError of category `internal`,
 * 500 INTERNAL with no detail of the error.
 *
 * @example catch (error) { return problemResult(toProblem(error, { requestId })); }
 */
export function toProblem(error: unknown, options: ProblemOptions = {}): HttpProblem {
  if (error instanceof HttpProblem) return error;
  if (error instanceof TrustlineError && error.category !== 'internal') {
    const status = STATUS[error.category];
    if (options.anonymous === true) {
      const detail =
        status >= 500
          ? `Trustline cannot check this call just now (${error.code}); try again later.`
          : `The call was refused (${error.code}); the Trustline log has the details.`;
      return new HttpProblem(status, error.code, detail, {}, { cause: error });
    }
    return new HttpProblem(status, error.code, error.message, error.fields(), { cause: error });
  }
  const where = options.requestId === undefined ? 'the log has the details' : `the log has the details under request id ${options.requestId}`;
  return new HttpProblem(
    500,
    'INTERNAL',
    `Trustline hit an unexpected error; ${where}.`,
    options.requestId === undefined ? {} : { requestId: options.requestId },
    { cause: error },
  );
}
