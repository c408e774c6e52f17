import { TrustlineError } from '../errors.ts';

/** Base of the console server's errors: a stable `code`, an HTTP status and a plain message. */
export class ConsoleError extends TrustlineError {
  readonly code: string = 'CONSOLE_ERROR';
  readonly status: number = 400;
}

/** The request names a host other than the console's own (DNS rebinding, a proxy): 421. */
export class WrongHostError extends ConsoleError {
  override readonly code = 'WRONG_HOST';
  override readonly status = 421;
  constructor(host: string | undefined) {
    super(`The console answers only at 127.0.0.1 or localhost on its own port, not at "${host ?? ''}".`, {
      actual: host,
      fix: 'Open the URL `trustline console` printed.',
    });
  }
}

/** A state-changing request from another origin, or one that names none: 403. */
export class WrongOriginError extends ConsoleError {
  override readonly code = 'WRONG_ORIGIN';
  override readonly status = 403;
  constructor(origin: string | undefined) {
    super(`The console accepts changes only from its own pages, not from "${origin ?? 'an unknown origin'}".`, { actual: origin });
  }
}

/** No valid session cookie: 401. */
export class NotSignedInError extends ConsoleError {
  override readonly code = 'NOT_SIGNED_IN';
  override readonly status = 401;
  constructor() {
    super('Sign in first: open the one-time URL that `trustline console` printed, or run it again for a new one.', { fix: 'npx trustline console' });
  }
}

/** The one-time sign-in URL was already used, expired or never issued: 403. */
export class SignInRefusedError extends ConsoleError {
  override readonly code = 'SIGN_IN_REFUSED';
  override readonly status = 403;
  constructor() {
    super('This sign-in link was already used or has expired (links work once, for 2 minutes).', { fix: 'Run `npx trustline console` again for a new link.' });
  }
}

/** The console's API has no such route: 404. */
export class NoConsoleRouteError extends ConsoleError {
  override readonly code = 'NO_ROUTE';
  override readonly status = 404;
  constructor(path: string) {
    super(`The console has no route for ${path}.`);
  }
}

/** Malformed input to the console's own routes: 400; 413 / 415 for size and type. */
export class BadConsoleRequestError extends ConsoleError {
  override readonly code: string = 'BAD_REQUEST';
  constructor(
    message: string,
    override readonly status = 400,
    code = 'BAD_REQUEST',
  ) {
    super(message);
    this.code = code;
  }
}

/** The admin API could not be reached or signed for: 502. */
export class UpstreamError extends ConsoleError {
  override readonly code = 'UPSTREAM_UNREACHABLE';
  override readonly status = 502;
  constructor(url: string, reason: string, options?: ErrorOptions) {
    super(
      `The console could not reach Trustline's admin API at ${url}: ${reason}.`,
      { fix: 'Check that Trustline runs (npm start) and TRUSTLINE_URL points at it.' },
      options,
    );
  }
}

/** The UI's sources are not where the package keeps them: the installation is incomplete. */
export class MissingUiSourcesError extends ConsoleError {
  override readonly code = 'UI_SOURCES_MISSING';
  override readonly status = 500;
  constructor(entry: string) {
    super(`The console's sources (${entry}) are missing from this installation.`, {
      fix: 'Reinstall Trustline from its repository (git checkout, then npm ci).',
    });
  }
}
