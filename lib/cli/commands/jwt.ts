import type { Command } from 'commander';
import type { ProxyCheckOptions } from '../actions/jwt-proxy-check.ts';
import type { RequestOptions } from '../actions/jwt-request.ts';
import type { VerifyOptions } from '../actions/jwt-verify.ts';
import { action, withJson } from '../output.ts';

/** `trustline jwt canonical|qsh|verify|proxy-check`: standalone, no server needed (verify --client-key reads the local secret store). */
export function register(program: Command): void {
  const jwt = program.command('jwt').description('Atlassian Connect JWTs: canonical request, qsh, and verification with a diagnosis of proxy damage');

  requestOptions(jwt.command('canonical').description('print the canonical request (METHOD&PATH&QUERY) that the qsh claim hashes')).action(
    action(async (options: RequestOptions) => (await import('../actions/jwt-request.ts')).canonicalCommand(options)),
  );

  requestOptions(jwt.command('qsh').description('print the qsh: lower-case hex SHA-256 of the canonical request')).action(
    action(async (options: RequestOptions) => (await import('../actions/jwt-request.ts')).qshCommand(options)),
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
  ).action(action(async (options: VerifyOptions) => (await import('../actions/jwt-verify.ts')).verifyCommand(options)));

  withJson(jwt.command('proxy-check').description('report every setting of an Apache httpd or nginx configuration that will break qsh').argument('<FILE>', 'the configuration file; includes are followed'))
    .option('--kind <KIND>', 'apache or nginx (detected from the content when not given)')
    .action(action(async (file: string, options: ProxyCheckOptions) => (await import('../actions/jwt-proxy-check.ts')).proxyCheckCommand(file, options)));
}

function requestOptions(command: Command): Command {
  return command
    .requiredOption('--method <M>', 'HTTP method, e.g. GET')
    .requiredOption('--url <PATH_AND_QUERY>', 'the request path and query exactly as received, e.g. "/issue-panel?issueKey=T-1"')
    .option('--base-url <URL>', "the app descriptor's baseUrl; its path is removed from the request path");
}
