import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';

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
