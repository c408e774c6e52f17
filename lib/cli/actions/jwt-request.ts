/** What `trustline jwt canonical` and `jwt qsh` do, loaded only when they run (commands/jwt.ts declares them). */
import { canonicalRequest, qsh } from '../../jwt/index.ts';
import { CliError } from '../errors.ts';
import { type CommandResult, EXIT } from '../output.ts';

export interface RequestOptions {
  readonly method: string;
  readonly url: string;
  readonly baseUrl?: string;
}

/** Options that do not fit together or a value that is no HTTP method: exit 2. */
export class JwtUsageError extends CliError {
  override readonly code = 'USAGE';
  override readonly exitCode = EXIT.usage;
}

/** The options, once `--method` is known to be an HTTP method. */
export function checked<T extends RequestOptions>(options: T): T {
  if (!/^[A-Za-z]{1,16}$/.test(options.method)) throw new JwtUsageError(`"${options.method}" is not an HTTP method.`, 'use GET, POST, PUT, DELETE, ...');
  return options;
}

/** `jwt canonical`: the canonical request the qsh claim hashes. */
export function canonicalCommand(options: RequestOptions): CommandResult {
  const canonical = canonicalRequest(checked(options), options.baseUrl);
  return { document: { canonicalRequest: canonical }, text: canonical };
}

/** `jwt qsh`: the hex SHA-256 of the canonical request. */
export function qshCommand(options: RequestOptions): CommandResult {
  const hash = qsh(checked(options), options.baseUrl);
  return { document: { qsh: hash }, text: hash };
}
