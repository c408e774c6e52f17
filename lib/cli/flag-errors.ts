import { AdminApiError, CliError } from './errors.ts';
import { EXIT } from './output-codes.ts';

/** Bad input on the command line, named by its flags: exit 2. */
export class IntegrationsUsageError extends CliError {
  override readonly code: string = 'BAD_INPUT';
  override readonly exitCode = EXIT.usage;
}

/** The flag that sets each field of the integration resource. */
export const INTEGRATION_FLAGS: Readonly<Record<string, string>> = {
  provider: '--provider',
  name: '--name',
  description: '--description',
  clientId: '--client-id',
  clientSecret: '--client-secret-file',
  scopes: '--scope',
  authorizationEndpoint: '--authorization-endpoint',
  tokenEndpoint: '--token-endpoint',
  issuer: '--issuer',
  tenant: '--tenant',
  mailServer: '--mail-protocol',
  'mailServer.protocol': '--mail-protocol',
  'mailServer.host': '--mail-host',
  'mailServer.port': '--mail-port',
  'mailServer.security': '--mail-security',
  'mailServer.username': '--mail-username',
};

/** `scopes.2` -> `--scope`; `mailServer.port` -> `--mail-port`. */
export function flagOf(field: string, flags: Readonly<Record<string, string>> = INTEGRATION_FLAGS): string | undefined {
  return flags[field] ?? flags[field.replace(/\.\d+$/, '')] ?? flags[field.split('.')[0] ?? ''];
}

interface FieldError {
  readonly field: string;
  readonly message: string;
}

function fieldErrors(problem: Readonly<Record<string, unknown>>): FieldError[] {
  const errors = Array.isArray(problem.errors) ? (problem.errors as unknown[]) : [];
  const listed = errors.filter((e): e is FieldError => typeof (e as FieldError).field === 'string' && typeof (e as FieldError).message === 'string');
  if (listed.length > 0) return listed;
  return typeof problem.field === 'string' ? [{ field: problem.field, message: '' }] : [];
}

/**
 * An answer of 400 naming fields becomes a usage error naming the flags the user typed
 * (`--token-endpoint: must be an absolute https:// URL`); anything else is passed on.
 */
export function withFlagNames(error: unknown, flags: Readonly<Record<string, string>> = INTEGRATION_FLAGS): unknown {
  if (!(error instanceof AdminApiError) || error.status !== 400) return error;
  const flagFor = (field: string) => flagOf(field, flags);
  const fields = fieldErrors(error.problem).filter((e) => flagFor(e.field) !== undefined);
  if (fields.length === 0) return error;
  const lines = fields.map((e) => `${flagFor(e.field) ?? e.field}: ${e.message === '' ? error.detail : e.message}`);
  const message =
    lines.length === 1 && fields[0]?.message === '' ? `${flagFor(fields[0].field) ?? ''}: ${error.detail}` : `Invalid values:\n  ${lines.join('\n  ')}`;
  const usage = new IntegrationsUsageError(message, error.fix, { cause: error });
  Object.defineProperty(usage, 'code', { value: error.code });
  return usage;
}
