/** What `trustline integrations ...` does, loaded only when it runs (commands/integrations.ts declares it). */
import { readFile } from 'node:fs/promises';
import { registerSecret } from '../../observe/index.ts';
import { AdminClient } from '../admin-client.ts';
import { IntegrationsUsageError, withFlagNames } from '../flag-errors.ts';
import { authorizeCommand, authorizeSchema, details, integrationSchema, listSchema, listTable, testSchema, warningLines } from '../integrations-text.ts';
import { cliCommand } from '../next-step.ts';
import { type CommandResult, EXIT } from '../output.ts';
import { withSpinner } from '../spinner.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** An integration named by id or by name (names are unique, ignoring case). */
async function resolveId(client: AdminClient, idOrName: string): Promise<string> {
  if (UUID.test(idOrName)) return idOrName;
  const { integrations } = await client.get('/admin/integrations', listSchema);
  const match = integrations.find((integration) => integration.name.toLowerCase() === idOrName.toLowerCase());
  if (match === undefined)
    throw new IntegrationsUsageError(`No integration has the id or name "${idOrName}".`, `list them with: ${cliCommand(['integrations', 'list'])}`);
  return match.id;
}

const path = (id: string, rest = '') => `/admin/integrations/${encodeURIComponent(id)}${rest}`;

/** The flags of `create`, also taken by `update`. */
export interface CreateOptions {
  provider?: 'google' | 'microsoft' | 'custom';
  name?: string;
  description?: string;
  clientId?: string;
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

/** The client secret from --client-secret-file, TRUSTLINE_CLIENT_SECRET or --client-secret (in that order); undefined when none is given. */
async function clientSecret(options: CreateOptions): Promise<string | undefined> {
  let secret: string | undefined;
  if (options.clientSecretFile !== undefined) {
    try {
      secret = (await readFile(options.clientSecretFile, 'utf8')).trim();
    } catch (error) {
      throw new IntegrationsUsageError(`Cannot read --client-secret-file ${options.clientSecretFile}: ${(error as Error).message}.`, undefined, {
        cause: error,
      });
    }
    if (secret === '') throw new IntegrationsUsageError(`--client-secret-file ${options.clientSecretFile} is empty.`);
  } else {
    secret = process.env.TRUSTLINE_CLIENT_SECRET ?? options.clientSecret;
  }
  if (secret === '') secret = undefined;
  registerSecret(secret);
  return secret;
}

/** Every required flag that is missing, all at once, so one run shows everything to add. */
function assertRequired(options: CreateOptions, secret: string | undefined): void {
  const missing = [
    ...(options.provider === undefined ? ['--provider google|microsoft|custom'] : []),
    ...(options.name === undefined ? ['--name NAME'] : []),
    ...(options.clientId === undefined ? ['--client-id ID'] : []),
    ...(secret === undefined ? ['--client-secret-file FILE (or TRUSTLINE_CLIENT_SECRET)'] : []),
    ...(options.provider === 'custom'
      ? [
          ...(options.authorizationEndpoint === undefined ? ['--authorization-endpoint URL'] : []),
          ...(options.tokenEndpoint === undefined ? ['--token-endpoint URL'] : []),
          ...(options.issuer === undefined ? ['--issuer URL'] : []),
        ]
      : []),
  ];
  if (missing.length > 0) {
    throw new IntegrationsUsageError(
      `Missing ${missing.length === 1 ? 'a required flag' : 'required flags'}: ${missing.join(', ')}.${secret === undefined ? ' The client secret is missing.' : ''}`,
      secret === undefined
        ? 'put the client secret in a file (--client-secret-file) or in TRUSTLINE_CLIENT_SECRET: both keep it out of your shell history.'
        : `${cliCommand(['integrations', 'create', '--help'])} lists every flag.`,
    );
  }
}

/** The mailServer the flags describe; every --mail-* flag needs --mail-protocol. */
function mailServer(options: CreateOptions): Record<string, unknown> | undefined {
  if (options.mailProtocol === undefined) {
    const given = (
      [
        ['--mail-host', options.mailHost],
        ['--mail-port', options.mailPort],
        ['--mail-security', options.mailSecurity],
        ['--mail-username', options.mailUsername],
      ] as const
    )
      .filter(([, value]) => value !== undefined)
      .map(([flag]) => flag);
    if (given.length > 0) throw new IntegrationsUsageError(`${given.join(', ')} ${given.length === 1 ? 'needs' : 'need'} --mail-protocol imap|pop3|smtp.`);
    return undefined;
  }
  if (options.mailUsername === undefined) throw new IntegrationsUsageError('--mail-protocol needs --mail-username (the mailbox that signs in).');
  const port = options.mailPort === undefined ? undefined : /^\d{1,5}$/.test(options.mailPort) ? Number(options.mailPort) : Number.NaN;
  if (port !== undefined && !(Number.isInteger(port) && port > 0 && port < 65536))
    throw new IntegrationsUsageError(`--mail-port ${options.mailPort ?? ''} is not a port from 1 to 65535.`);
  return {
    protocol: options.mailProtocol,
    security: options.mailSecurity ?? 'tls',
    username: options.mailUsername,
    ...(options.mailHost === undefined ? {} : { host: options.mailHost }),
    ...(port === undefined ? {} : { port }),
  };
}

/** The fields the flags set (create and update share them). */
function fields(options: CreateOptions): Record<string, unknown> {
  const mail = mailServer(options);
  return {
    ...(options.name === undefined ? {} : { name: options.name }),
    ...(options.clientId === undefined ? {} : { clientId: options.clientId }),
    ...(options.description === undefined ? {} : { description: options.description }),
    ...(options.scope === undefined ? {} : { scopes: options.scope }),
    ...(options.authorizationEndpoint === undefined ? {} : { authorizationEndpoint: options.authorizationEndpoint }),
    ...(options.tokenEndpoint === undefined ? {} : { tokenEndpoint: options.tokenEndpoint }),
    ...(options.issuer === undefined ? {} : { issuer: options.issuer }),
    ...(options.tenant === undefined ? {} : { tenant: options.tenant }),
    ...(mail === undefined ? {} : { mailServer: mail }),
  };
}

/** Runs an admin call whose 400 answers name fields, and names the flags instead. */
async function naming<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw withFlagNames(error);
  }
}

const withWarnings = (text: string, doc: Parameters<typeof warningLines>[0]) => [text, ...warningLines(doc)].join('\n');

/** `integrations create`: prints the redirect URL to register at the provider and the next step. */
export async function createCommand(options: CreateOptions): Promise<CommandResult> {
  const secret = await clientSecret(options);
  assertRequired(options, secret);
  const body = { provider: options.provider, clientSecret: secret, ...fields(options) };
  const created = await naming(() => AdminClient.fromEnv().post('/admin/integrations', body, integrationSchema));
  return {
    document: created,
    text: withWarnings(
      `Created "${created.name}" (${created.id}), status ${created.status}.\nRegister this redirect URL at the provider:\n  ${created.redirectUrl}\nThen sign in. Run:\n  ${authorizeCommand(created)}`,
      created,
    ),
  };
}

/** `integrations update ID|NAME`: changes what the flags say; says when the redirect URL changed and what to do then. */
export async function updateCommand(idOrName: string, options: Omit<CreateOptions, 'provider'>): Promise<CommandResult> {
  const secret = await clientSecret(options);
  const body = { ...fields(options), ...(secret === undefined ? {} : { clientSecret: secret }) };
  if (Object.keys(body).length === 0) throw new IntegrationsUsageError('Nothing to update: give at least one flag, for example --scope or --token-endpoint.');
  const client = AdminClient.fromEnv();
  const updated = await naming(async () => client.patch(path(await resolveId(client, idOrName)), body, integrationSchema));
  const lines = [`Updated "${updated.name}", status ${updated.status}.`];
  if (updated.redirectUrlChanged === true) {
    lines.push(
      'The endpoints changed, so the redirect URL changed. Register the new one at the provider (the old one no longer works):',
      `  ${updated.redirectUrl}`,
      'Then sign in again. Run:',
      `  ${authorizeCommand(updated)}`,
    );
  } else {
    lines.push(`The redirect URL is unchanged: ${updated.redirectUrl}`);
    if (updated.notice !== undefined) lines.push(`${updated.notice} Run:`, `  ${authorizeCommand(updated)}`);
  }
  return { document: updated, text: withWarnings(lines.join('\n'), updated) };
}

/** `integrations list`. */
export async function listCommand(): Promise<CommandResult> {
  const { integrations } = await AdminClient.fromEnv().get('/admin/integrations', listSchema);
  const empty = `No integrations yet. Create one with: ${cliCommand(['integrations', 'create', '--help'])}`;
  return { document: { integrations }, text: integrations.length === 0 ? empty : listTable(integrations).join('\n') };
}

/** `integrations show ID-OR-NAME`. */
export async function showCommand(idOrName: string): Promise<CommandResult> {
  const client = AdminClient.fromEnv();
  const integration = await client.get(path(await resolveId(client, idOrName)), integrationSchema);
  return { document: integration, text: details(integration) };
}

/** `integrations authorize ID-OR-NAME`: the provider URL to open in a browser. */
export async function authorizeCommandRun(idOrName: string): Promise<CommandResult> {
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
  const id = await resolveId(client, idOrName);
  const report = await withSpinner('Testing the connection…', () => client.post(path(id, '/test'), undefined, testSchema));
  const lines = report.steps.map(
    (step) => `${step.ok ? 'ok  ' : 'FAIL'} ${step.name}: ${step.message}${step.fix === undefined ? '' : `\n       Fix: ${step.fix}`}`,
  );
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
