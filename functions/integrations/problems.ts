import { HttpProblem } from '../../lib/http/index.ts';
import { OAuthError, type OAuthErrorKind } from '../../lib/oauth/index.ts';

const STATUS: Readonly<Record<OAuthErrorKind, number>> = {
  'invalid-input': 400,
  'not-found': 404,
  conflict: 409,
  callback: 400,
  provider: 502,
  busy: 503,
};

/** Runs the call, turning OAuth errors into problem+json with their code, fix and fields. */
export async function asProblem<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (!(error instanceof OAuthError)) throw error;
    const extra = Object.fromEntries(
      Object.entries({ expected: error.expected, actual: error.actual, fix: error.fix, field: (error as { field?: unknown }).field }).filter(([, v]) => v !== undefined),
    );
    throw new HttpProblem(STATUS[error.kind], error.code, error.message, extra, { cause: error });
  }
}
