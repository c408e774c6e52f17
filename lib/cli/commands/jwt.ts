import type { Command } from 'commander';
import { canonicalRequest } from '../../jwt/canonical-request.ts';
import { readSharedSecret, type SecretLookup } from '../../jwt/connect-installations.ts';
import { createConnectVerifier } from '../../jwt/connect-verifier.ts';
import { qsh } from '../../jwt/qsh.ts';
import { toVerifyDocument, type VerifyDocument } from '../../jwt/verify-document.ts';
import { registerSecret } from '../../observe/redact.ts';
import { CliError } from '../errors.ts';
import { action, EXIT, withJson } from '../output.ts';

interface RequestOptions {
  readonly method: string;
  readonly url: string;
  readonly baseUrl?: string;
}

interface VerifyOptions extends RequestOptions {
  readonly token: string;
  readonly secret?: string;
  readonly clientKey?: string;
}

/** Options that do not fit together or a value that is no HTTP method: exit 2. */
class JwtUsageError extends CliError {
  override readonly code = 'USAGE';
  override readonly exitCode = EXIT.usage;
}

/** `trustline jwt canonical|qsh|verify`: standalone, no server needed (verify --client-key reads the local secret store). */
export function register(program: Command): void {
  const jwt = program.command('jwt').description('Atlassian Connect JWTs: canonical request, qsh, and verification with a diagnosis of proxy damage');

  requestOptions(jwt.command('canonical').description('print the canonical request (METHOD&PATH&QUERY) that the qsh claim hashes')).action(
    action((options: RequestOptions) => {
      const canonical = canonicalRequest(checked(options), options.baseUrl);
      return { document: { canonicalRequest: canonical }, text: canonical };
    }),
  );

  requestOptions(jwt.command('qsh').description('print the qsh: lower-case hex SHA-256 of the canonical request')).action(
    action((options: RequestOptions) => {
      const hash = qsh(checked(options), options.baseUrl);
      return { document: { qsh: hash }, text: hash };
    }),
  );

  withJson(
    requestOptions(
      jwt
        .command('verify')
        .description('verify a Connect request token against a request; on a qsh mismatch, name the proxy transformation that explains it')
        .requiredOption('--token <T>', 'the JWT'),
    )
      .option('--secret <S>', 'the shared secret of the client')
      .option('--client-key <K>', "read the client's shared secret from Trustline's secret store"),
  ).action(
    action(async (options: VerifyOptions) => {
      checked(options);
      if ((options.secret === undefined) === (options.clientKey === undefined)) throw new JwtUsageError('Give exactly one of --secret or --client-key.');
      registerSecret(options.token);
      registerSecret(options.secret);
      const verifier = createConnectVerifier({ secretFor: await secretSource(options), ...(options.baseUrl === undefined ? {} : { baseUrl: options.baseUrl }) });
      const document = toVerifyDocument(await verifier.verify(options.token, options));
      return { document, text: describe(document), exitCode: document.valid ? EXIT.ok : EXIT.failed };
    }),
  );
}

function requestOptions(command: Command): Command {
  return command
    .requiredOption('--method <M>', 'HTTP method, e.g. GET')
    .requiredOption('--url <PATH_AND_QUERY>', 'the request path and query exactly as received, e.g. "/issue-panel?issueKey=T-1"')
    .option('--base-url <URL>', "the app descriptor's baseUrl; its path is removed from the request path");
}

function checked<T extends RequestOptions>(options: T): T {
  if (!/^[A-Za-z]{1,16}$/.test(options.method)) throw new JwtUsageError(`"${options.method}" is not an HTTP method.`, 'use GET, POST, PUT, DELETE, ...');
  return options;
}

async function secretSource(options: VerifyOptions): Promise<SecretLookup> {
  const { secret, clientKey } = options;
  if (secret !== undefined) return () => Promise.resolve(secret);
  // The token must come from the named client: any other issuer is unknown here.
  const { services } = await import('../../runtime/services.ts');
  const { secrets } = await services();
  return (issuer) => (issuer === clientKey ? readSharedSecret(secrets, issuer) : Promise.resolve(undefined));
}

function describe(document: VerifyDocument): string {
  if (document.valid) {
    const claims = document.claims ?? {};
    const user = typeof claims.sub === 'string' ? `, user ${claims.sub}` : '';
    return `valid: signed by ${String(claims.iss)}${user}, expires ${new Date(Number(claims.exp) * 1000).toISOString()}`;
  }
  const lines = [`invalid: ${document.error?.code ?? ''}: ${document.error?.message ?? ''}`];
  if (document.diagnosis !== undefined) lines.push(`transformation: ${document.diagnosis.matchedTransformation}`, `fix: ${document.diagnosis.fix}`);
  return lines.join('\n');
}
