import { type Command, Option } from 'commander';
import type { CreateOptions } from '../actions/integrations.ts';
import { action, withJson } from '../output.ts';

const collect = (value: string, previous: string[] = []) => [...previous, ...value.split(/[\s,]+/).filter(Boolean)];

const load = () => import('../actions/integrations.ts');

/** The settings flags `create` and `update` share; `create` checks the required ones itself, to name every missing one at once. */
function settings(command: Command): Command {
  return command
    .option('--name <name>', 'unique name (required for create)')
    .option('--description <text>', 'optional description')
    .option('--client-id <id>', 'client ID from the provider (required for create)')
    .option('--client-secret-file <file>', 'file holding the client secret (or set TRUSTLINE_CLIENT_SECRET)')
    .option('--client-secret <secret>', 'the client secret (visible in shell history: prefer the file or the variable)')
    .option('--scope <scope>', "a scope (repeat, or space-separated); default: the preset's mail scopes", collect)
    .option('--authorization-endpoint <url>', 'custom: HTTPS authorization endpoint')
    .option('--token-endpoint <url>', 'custom: HTTPS token endpoint')
    .option('--issuer <url>', "custom: the provider's issuer identifier")
    .option('--tenant <tenant>', 'microsoft: tenant ID or domain (default: common)')
    .addOption(new Option('--mail-protocol <protocol>', 'mail server to test the login against').choices(['imap', 'pop3', 'smtp']))
    .option('--mail-host <host>', 'mail server host (Google and Microsoft know theirs); needs --mail-protocol')
    .option('--mail-port <port>', "mail server port (default: the protocol's usual one); needs --mail-protocol")
    .addOption(new Option('--mail-security <security>', 'implicit TLS or STARTTLS; needs --mail-protocol').choices(['tls', 'starttls']))
    .option('--mail-username <user>', 'the mailbox that signs in; needs --mail-protocol');
}

/** `trustline integrations create|list|show|update|authorize|test|refresh|delete`: a client of /admin/integrations at TRUSTLINE_URL. */
export function register(program: Command): void {
  const group = program.command('integrations').description('OAuth 2.0 mail integrations (Google, Microsoft, custom): configure, authorize, test');

  withJson(
    settings(
      group
        .command('create')
        .description('add an integration; prints the redirect URL to register at the provider')
        .addOption(new Option('--provider <provider>', 'resource provider (required)').choices(['google', 'microsoft', 'custom'])),
    ),
  ).action(action(async (options: CreateOptions) => (await load()).createCommand(options)));

  withJson(
    settings(group.command('update').description('change an integration (the create flags); says when the redirect URL changed').argument('<id-or-name>')),
  ).action(action(async (idOrName: string, options: CreateOptions) => (await load()).updateCommand(idOrName, options)));

  withJson(group.command('list').description('list the integrations')).action(action(async () => (await load()).listCommand()));

  withJson(group.command('show').description('show one integration').argument('<id-or-name>')).action(
    action(async (idOrName: string) => (await load()).showCommand(idOrName)),
  );

  withJson(group.command('authorize').description('start the sign-in: prints the provider URL to open in a browser').argument('<id-or-name>')).action(
    action(async (idOrName: string) => (await load()).authorizeCommandRun(idOrName)),
  );

  withJson(group.command('test').description('test connection: a refresh at the token endpoint, then a real mail login').argument('<id-or-name>')).action(
    action(async (idOrName: string) => (await load()).testCommand(idOrName)),
  );

  withJson(group.command('refresh').description('refresh the access token now').argument('<id-or-name>')).action(
    action(async (idOrName: string) => (await load()).refreshCommand(idOrName)),
  );

  withJson(group.command('delete').description('delete an integration and its stored secrets').argument('<id-or-name>')).action(
    action(async (idOrName: string) => (await load()).deleteCommand(idOrName)),
  );
}
