import { readFile } from 'node:fs/promises';
import { type Command, Option } from 'commander';
import { registerSecret } from '../../observe/redact.ts';
import { AdminClient } from '../admin-client.ts';
import { CliError } from '../errors.ts';
import { authorizeSchema, details, integrationSchema, listSchema, summary, testSchema } from '../integrations-text.ts';
import { action, EXIT, withJson } from '../output.ts';

/** Bad input on the command line: exit 2. */
class IntegrationsUsageError extends CliError {
  override readonly code = 'BAD_INPUT';
  override readonly exitCode = EXIT.usage;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** An integration named by id or by name (names are unique, ignoring case). */
async function resolveId(client: AdminClient, idOrName: string): Promise<string> {
  if (UUID.test(idOrName)) return idOrName;
  const { integrations } = await client.get('/admin/integrations', listSchema);
  const match = integrations.find((integration) => integration.name.toLowerCase() === idOrName.toLowerCase());
  if (match === undefined) throw new IntegrationsUsageError(`No integration has the id or name "${idOrName}".`, 'list them with `trustline integrations list`.');
  return match.id;
}

const path = (id: string, rest = '') => `/admin/integrations/${encodeURIComponent(id)}${rest}`;

interface CreateOptions {
  provider: 'google' | 'microsoft' | 'custom';
  name: string;
  description?: string;
  clientId: string;
  clientSecret?: string;
  clientSecretFile?: string;
  scope?: string[];
  authorizationEndpoint?: string;
  tokenEndpoint?: string;
  issuer?: string;
  tenant?: string;
  mailProtocol?: 'imap' | 'pop3' | 'smtp';
  mailHost?: string;
  mailPort?: string;
  mailSecurity?: 'tls' | 'starttls';
  mailUsername?: string;
}

/** The client secret from --client-secret-file, TRUSTLINE_CLIENT_SECRET or --client-secret (in that order of preference). */
async function clientSecret(options: CreateOptions): Promise<string> {
  let secret: string | undefined;
  if (options.clientSecretFile !== undefined) {
    try {
      secret = (await readFile(options.clientSecretFile, 'utf8')).trim();
    } catch (error) {
      throw new IntegrationsUsageError(`Cannot read ${options.clientSecretFile}: ${(error as Error).message}.`, undefined, { cause: error });
    }
  } else {
    secret = process.env.TRUSTLINE_CLIENT_SECRET ?? options.clientSecret;
  }
  if (secret === undefined || secret === '') {
    throw new IntegrationsUsageError('The client secret is missing.', 'pass --client-secret-file FILE or set TRUSTLINE_CLIENT_SECRET (both stay out of your shell history).');
  }
  registerSecret(secret);
  return secret;
}

function mailServer(options: CreateOptions): Record<string, unknown> | undefined {
  if (options.mailProtocol === undefined) {
    if (options.mailHost !== undefined || options.mailUsername !== undefined) throw new IntegrationsUsageError('--mail-host and --mail-username need --mail-protocol.');
    return undefined;
  }
  if (options.mailUsername === undefined) throw new IntegrationsUsageError('--mail-protocol needs --mail-username (the mailbox that signs in).');
  const port = options.mailPort === undefined ? undefined : Number(options.mailPort);
  if (port !== undefined && !(Number.isInteger(port) && port > 0 && port < 65536)) throw new IntegrationsUsageError(`--mail-port ${options.mailPort ?? ''} is not a port.`);
  return {
    protocol: options.mailProtocol,
    security: options.mailSecurity ?? 'tls',
    username: options.mailUsername,
    ...(options.mailHost === undefined ? {} : { host: options.mailHost }),
    ...(port === undefined ? {} : { port }),
  };
}

const collect = (value: string, previous: string[] = []) => [...previous, ...value.split(/[\s,]+/).filter(Boolean)];

/** `trustline integrations create|list|show|authorize|test|refresh|delete`: a client of /admin/integrations at TRUSTLINE_URL. */
export function register(program: Command): void {
  const group = program.command('integrations').description('OAuth 2.0 mail integrations (Google, Microsoft, custom): configure, authorize, test');

  withJson(
    group
      .command('create')
      .description('add an integration; prints the redirect URL to register at the provider')
      .addOption(new Option('--provider <provider>', 'resource provider').choices(['google', 'microsoft', 'custom']).makeOptionMandatory())
      .requiredOption('--name <name>', 'unique name')
      .option('--description <text>', 'optional description')
      .requiredOption('--client-id <id>', 'client ID from the provider')
      .option('--client-secret-file <file>', 'file holding the client secret (or set TRUSTLINE_CLIENT_SECRET)')
      .option('--client-secret <secret>', 'the client secret (visible in shell history: prefer the file or the variable)')
      .option('--scope <scope>', 'a scope (repeat, or space-separated); default: the preset\'s mail scopes', collect)
      .option('--authorization-endpoint <url>', 'custom: HTTPS authorization endpoint')
      .option('--token-endpoint <url>', 'custom: HTTPS token endpoint')
      .option('--issuer <url>', "custom: the provider's issuer identifier")
      .option('--tenant <tenant>', 'microsoft: tenant ID or domain (default: common)')
      .addOption(new Option('--mail-protocol <protocol>', 'mail server to test the login against').choices(['imap', 'pop3', 'smtp']))
      .option('--mail-host <host>', 'mail server host (Google and Microsoft know theirs)')
      .option('--mail-port <port>', "mail server port (default: the protocol's usual one)")
      .addOption(new Option('--mail-security <security>', 'implicit TLS or STARTTLS').choices(['tls', 'starttls']))
      .option('--mail-username <user>', 'the mailbox that signs in'),
  ).action(
    action(async (options: CreateOptions) => {
      const body = {
        provider: options.provider,
        name: options.name,
        clientId: options.clientId,
        clientSecret: await clientSecret(options),
        ...(options.description === undefined ? {} : { description: options.description }),
        ...(options.scope === undefined ? {} : { scopes: options.scope }),
        ...(options.authorizationEndpoint === undefined ? {} : { authorizationEndpoint: options.authorizationEndpoint }),
        ...(options.tokenEndpoint === undefined ? {} : { tokenEndpoint: options.tokenEndpoint }),
        ...(options.issuer === undefined ? {} : { issuer: options.issuer }),
        ...(options.tenant === undefined ? {} : { tenant: options.tenant }),
      };
      const mail = mailServer(options);
      const created = await AdminClient.fromEnv().post('/admin/integrations', mail === undefined ? body : { ...body, mailServer: mail }, integrationSchema);
      return {
        document: created,
        text: `Created "${created.name}" (${created.id}), status ${created.status}.\nRegister this redirect URL at the provider:\n  ${created.redirectUrl}\nThen run: trustline integrations authorize ${created.id}`,
      };
    }),
  );

  withJson(group.command('list').description('list the integrations')).action(
    action(async () => {
      const { integrations } = await AdminClient.fromEnv().get('/admin/integrations', listSchema);
      return { document: { integrations }, text: integrations.length === 0 ? 'No integrations yet: create one with `trustline integrations create`.' : integrations.map(summary).join('\n') };
    }),
  );

  withJson(group.command('show').description('show one integration').argument('<id-or-name>')).action(
    action(async (idOrName: string) => {
      const client = AdminClient.fromEnv();
      const integration = await client.get(path(await resolveId(client, idOrName)), integrationSchema);
      return { document: integration, text: details(integration) };
    }),
  );

  withJson(group.command('authorize').description('start the sign-in: prints the provider URL to open in a browser').argument('<id-or-name>')).action(
    action(async (idOrName: string) => {
      const client = AdminClient.fromEnv();
      const started = await client.post(path(await resolveId(client, idOrName), '/authorize'), undefined, authorizeSchema);
      return {
        document: started,
        text: `Open this URL in a browser and sign in with the mailbox account (valid until ${started.expiresAt}):\n\n${started.authorizationUrl}\n\nThe provider sends you back to ${started.redirectUrl}, which says whether it worked.`,
      };
    }),
  );

  withJson(group.command('test').description('test connection: a refresh at the token endpoint, then a real mail login').argument('<id-or-name>')).action(
    action(async (idOrName: string) => {
      const client = AdminClient.fromEnv();
      const report = await client.post(path(await resolveId(client, idOrName), '/test'), undefined, testSchema);
      const lines = report.steps.map((step) => `${step.ok ? 'ok  ' : 'FAIL'} ${step.name}: ${step.message}${step.fix === undefined ? '' : `\n       Fix: ${step.fix}`}`);
      return {
        document: report,
        text: `${lines.join('\n')}\n${report.ok ? 'Connection test passed.' : 'Connection test failed.'}`,
        exitCode: report.ok ? EXIT.ok : EXIT.failed,
      };
    }),
  );

  withJson(group.command('refresh').description('refresh the access token now').argument('<id-or-name>')).action(
    action(async (idOrName: string) => {
      const client = AdminClient.fromEnv();
      const integration = await client.post(path(await resolveId(client, idOrName), '/refresh'), undefined, integrationSchema);
      return {
        document: integration,
        text: `Refreshed "${integration.name}": status ${integration.status}, access token valid until ${integration.accessTokenExpiresAt ?? 'an unstated time'}.`,
      };
    }),
  );

  withJson(group.command('delete').description('delete an integration and its stored secrets').argument('<id-or-name>')).action(
    action(async (idOrName: string) => {
      const client = AdminClient.fromEnv();
      const id = await resolveId(client, idOrName);
      await client.delete(path(id));
      return { document: { deleted: id }, text: `Deleted integration ${id} and its stored secrets.` };
    }),
  );
}
