/** What `trustline integrations ...` does, loaded only when it runs (commands/integrations.ts declares it). */
import { readFile } from 'node:fs/promises';
import { registerSecret } from '../../observe/redact.ts';
import { AdminClient } from '../admin-client.ts';
import { CliError } from '../errors.ts';
import { authorizeSchema, details, integrationSchema, listSchema, summary, testSchema } from '../integrations-text.ts';
import { type CommandResult, EXIT } from '../output.ts';

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

export interface CreateOptions {
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

/** `integrations create`: prints the redirect URL to register at the provider. */
export async function createCommand(options: CreateOptions): Promise<CommandResult> {
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
}

/** `integrations list`. */
export async function listCommand(): Promise<CommandResult> {
  const { integrations } = await AdminClient.fromEnv().get('/admin/integrations', listSchema);
  return { document: { integrations }, text: integrations.length === 0 ? 'No integrations yet: create one with `trustline integrations create`.' : integrations.map(summary).join('\n') };
}

/** `integrations show ID-OR-NAME`. */
export async function showCommand(idOrName: string): Promise<CommandResult> {
  const client = AdminClient.fromEnv();
  const integration = await client.get(path(await resolveId(client, idOrName)), integrationSchema);
  return { document: integration, text: details(integration) };
}

/** `integrations authorize ID-OR-NAME`: the provider URL to open in a browser. */
export async function authorizeCommand(idOrName: string): Promise<CommandResult> {
  const client = AdminClient.fromEnv();
  const started = await client.post(path(await resolveId(client, idOrName), '/authorize'), undefined, authorizeSchema);
  return {
    document: started,
    text: `Open this URL in a browser and sign in with the mailbox account (valid until ${started.expiresAt}):\n\n${started.authorizationUrl}\n\nThe provider sends you back to ${started.redirectUrl}, which says whether it worked.`,
  };
}

/** `integrations test ID-OR-NAME`: exit 1 when a step failed. */
export async function testCommand(idOrName: string): Promise<CommandResult> {
  const client = AdminClient.fromEnv();
  const report = await client.post(path(await resolveId(client, idOrName), '/test'), undefined, testSchema);
  const lines = report.steps.map((step) => `${step.ok ? 'ok  ' : 'FAIL'} ${step.name}: ${step.message}${step.fix === undefined ? '' : `\n       Fix: ${step.fix}`}`);
  return {
    document: report,
    text: `${lines.join('\n')}\n${report.ok ? 'Connection test passed.' : 'Connection test failed.'}`,
    exitCode: report.ok ? EXIT.ok : EXIT.failed,
  };
}

/** `integrations refresh ID-OR-NAME`. */
export async function refreshCommand(idOrName: string): Promise<CommandResult> {
  const client = AdminClient.fromEnv();
  const integration = await client.post(path(await resolveId(client, idOrName), '/refresh'), undefined, integrationSchema);
  return {
    document: integration,
    text: `Refreshed "${integration.name}": status ${integration.status}, access token valid until ${integration.accessTokenExpiresAt ?? 'an unstated time'}.`,
  };
}

/** `integrations delete ID-OR-NAME`: the integration and its stored secrets. */
export async function deleteCommand(idOrName: string): Promise<CommandResult> {
  const client = AdminClient.fromEnv();
  const id = await resolveId(client, idOrName);
  await client.delete(path(id));
  return { document: { deleted: id }, text: `Deleted integration ${id} and its stored secrets.` };
}
