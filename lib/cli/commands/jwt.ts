import { type Command, Option } from 'commander';
import type { ProxyCheckOptions } from '../actions/jwt-proxy-check.ts';
import type { RequestOptions } from '../actions/jwt-request.ts';
import type { VerifyOptions } from '../actions/jwt-verify-text.ts';
import { action, withJson } from '../output.ts';

/** `trustline jwt canonical|qsh|verify|proxy-check`: standalone, no server needed (verify --client-key reads the local secret store). */
export function register(program: Command): void {
  const jwt = program.command('jwt').description('Atlassian Connect JWTs: canonical request, qsh, and verification with a diagnosis of proxy damage');

  withJson(requestOptions(jwt.command('canonical').description('print the canonical request (METHOD&PATH&QUERY) that the qsh claim hashes'))).action(
    action(async (options: RequestOptions) => (await import('../actions/jwt-request.ts')).canonicalCommand(options)),
  );

  withJson(requestOptions(jwt.command('qsh').description('print the qsh: lower-case hex SHA-256 of the canonical request'))).action(
    action(async (options: RequestOptions) => (await import('../actions/jwt-request.ts')).qshCommand(options)),
  );

  withJson(
    jwt
      .command('verify')
      .description(
        'verify a Connect request token against a request, naming the proxy transformation behind a qsh mismatch; or, with --profile oidc, an OIDC token',
      )
      .requiredOption('--token <T>', 'the JWT')
      .addOption(
        new Option('--profile <profile>', 'connect: an Atlassian Connect request token; oidc: a token of an OpenID Connect issuer')
          .choices(['connect', 'oidc'])
          .default('connect'),
      )
      .option('--method <M>', 'connect: HTTP method, e.g. GET')
      .option('--url <PATH_AND_QUERY>', 'connect: the request path and query exactly as received, e.g. "/issue-panel?issueKey=T-1"')
      .option('--base-url <URL>', "connect: the app descriptor's baseUrl; its path is removed from the request path")
      .option('--secret <S>', 'connect: the shared secret of the client')
      .option('--client-key <K>', "connect: read the client's shared secret from Trustline's secret store")
      .option('--issuer <URL>', 'oidc: the issuer the token must name, exactly')
      .option('--audience <A>', 'oidc: the audience the token must be addressed to')
      .option('--jwks-url <URL>', "oidc: the issuer's JWKS; discovered from <issuer>/.well-known/openid-configuration when absent"),
  ).action(action(async (options: VerifyOptions) => (await import('../actions/jwt-verify.ts')).verifyCommand(options)));

  withJson(
    jwt
      .command('proxy-check')
      .description('report every setting of an Apache httpd or nginx configuration that will break qsh')
      .argument('<FILE>', 'the configuration file; includes are followed'),
  )
    .option('--kind <KIND>', 'apache or nginx (detected from the content when not given)')
    .action(action(async (file: string, options: ProxyCheckOptions) => (await import('../actions/jwt-proxy-check.ts')).proxyCheckCommand(file, options)));
}

function requestOptions(command: Command): Command {
  return command
    .requiredOption('--method <M>', 'HTTP method, e.g. GET')
    .requiredOption('--url <PATH_AND_QUERY>', 'the request path and query exactly as received, e.g. "/issue-panel?issueKey=T-1"')
    .option('--base-url <URL>', "the app descriptor's baseUrl; its path is removed from the request path");
}
