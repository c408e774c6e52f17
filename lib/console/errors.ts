import { type ErrorCategory, TrustlineError } from '../errors.ts';
import { HttpProblem } from '../http/index.ts';

/**
 * Base of the console server's errors: a stable `code`, a category (lib/http's toProblem gives the
 * status, as for the API) and a plain message.
 */
export class ConsoleError extends TrustlineError {
  readonly code: string = 'CONSOLE_ERROR';
  override readonly category: ErrorCategory = 'invalid-input';
}

/** The request names a host other than the console's own (DNS rebinding, a proxy): 421, a refusal of HTTP itself. */
export class WrongHostError extends HttpProblem {
  constructor(host: string | undefined) {
    super(421, 'WRONG_HOST', `The console answers only at 127.0.0.1 or localhost on its own port, not at "${host ?? ''}".`, {
      ...(host === undefined ? {} : { actual: host }),
      fix: 'Open the URL `trustline console` printed.',
    });
  }
}

/** A request from another origin, or a change that names none: 403, a refusal of HTTP itself. */
export class WrongOriginError extends HttpProblem {
  constructor(origin: string | undefined) {
    super(
      403,
      'WRONG_ORIGIN',
      `The console accepts changes only from its own pages, not from "${origin ?? 'an unknown origin'}".`,
      origin === undefined ? {} : { actual: origin },
    );
  }
}

/** No valid session cookie: 401. */
export class NotSignedInError extends ConsoleError {
  override readonly code = 'NOT_SIGNED_IN';
  override readonly category = 'unauthorized';
  constructor() {
    super('Sign in first: open the one-time URL that `trustline console` printed, or run it again for a new one.', { fix: 'npx trustline console' });
  }
}

/** The console's API has no such route: 404. */
export class NoConsoleRouteError extends ConsoleError {
  override readonly code = 'NO_ROUTE';
  override readonly category = 'not-found';
  constructor(path: string) {
    super(`The console has no route for ${path}.`);
  }
}

/** Malformed input to the console's own routes: 400, under the code given. */
export class BadConsoleRequestError extends ConsoleError {
  override readonly code: string;
  constructor(message: string, code = 'BAD_REQUEST') {
    super(message);
    this.code = code;
  }
}

/** The admin API could not be reached or signed for: 502. */
export class UpstreamError extends ConsoleError {
  override readonly code = 'UPSTREAM_UNREACHABLE';
  override readonly category = 'upstream';
  constructor(url: string, reason: string, options?: ErrorOptions) {
    super(
      `The console could not reach Trustline's admin API at ${url}: ${reason}.`,
      { fix: 'Check that Trustline runs (npm start) and TRUSTLINE_URL points at it.' },
      options,
    );
  }
}

/** The UI's sources are not where the package keeps them: the installation is incomplete (stops the console's start). */
export class MissingUiSourcesError extends ConsoleError {
  override readonly code = 'UI_SOURCES_MISSING';
  override readonly category = 'internal';
  constructor(entry: string) {
    super(`The console's sources (${entry}) are missing from this installation.`, {
      fix: 'Reinstall Trustline from its repository (git checkout, then npm ci).',
    });
  }
}
