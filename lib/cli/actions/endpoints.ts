/** What `trustline endpoints ...` does, loaded only when it runs (commands/endpoints.ts declares it). */
import * as z from 'zod';
import { addressOf, PROTOCOLS, type Protocol, type CheckReport } from '../../tls/index.ts';
import { AdminClient } from '../admin-client.ts';
import { checkReportText } from '../certs-text.ts';
import { CliError } from '../errors.ts';
import { withFlagNames } from '../flag-errors.ts';
import { cliCommand } from '../next-step.ts';
import { type CommandResult, EXIT } from '../output.ts';
import { withSpinner } from '../spinner.ts';
import { colour } from '../style.ts';
import { table } from '../table.ts';
import { CertsUsageError, parseTarget } from './certs.ts';

const lastResultSchema = z.looseObject({
  verdict: z.string(),
  trusted: z.boolean(),
  daysLeft: z.number().nullable(),
  earliestExpiry: z.string().nullable(),
  message: z.string(),
  checkedAt: z.string(),
});
const endpointSchema = z.looseObject({
  id: z.string(),
  host: z.string(),
  port: z.number(),
  protocol: z.enum(PROTOCOLS),
  servername: z.string().optional(),
  warnDays: z.number().optional(),
  createdAt: z.string(),
  lastResult: lastResultSchema.optional(),
});
type EndpointDoc = z.infer<typeof endpointSchema>;
const listSchema = z.object({ endpoints: z.array(endpointSchema) });

/**
 * The argument names no endpoint: bad input (exit 2). Never exit 1, which `endpoints check` gives
 * a certificate that failed its check.
 */
class EndpointNotFoundError extends CliError {
  override readonly code = 'ENDPOINT_NOT_FOUND';
  override readonly exitCode = EXIT.usage;
  constructor(given: string) {
    super(`No certificate endpoint matches "${given}" (an ID or HOST:PORT).`, `list them with: ${cliCommand(['endpoints', 'list'])}`);
  }
}

/** The argument or flag that sets each field of POST /admin/endpoints. */
const ENDPOINT_FLAGS = { host: 'HOST', port: 'PORT', protocol: '--protocol', servername: '--servername', warnDays: '--warn-days' };

export interface AddOptions {
  readonly protocol: Protocol;
  readonly servername?: string;
  readonly warnDays?: number;
}

/** The arguments that name an endpoint again: its address, unique among the targets, else its id. */
function reference(endpoint: EndpointDoc, all: readonly EndpointDoc[]): string {
  const address = addressOf(endpoint);
  return all.filter((other) => addressOf(other) === address).length === 1 ? address : endpoint.id;
}

/** The one endpoint an argument names: its id, HOST:PORT, or HOST alone when only one target has that host. */
async function resolve(client: AdminClient, given: string): Promise<{ endpoint: EndpointDoc; all: EndpointDoc[] }> {
  const { endpoints } = await client.get('/admin/endpoints', listSchema);
  const byId = endpoints.find((endpoint) => endpoint.id === given);
  if (byId !== undefined) return { endpoint: byId, all: endpoints };
  const hasPort = /:\d+$/.test(given);
  const { host, port } = parseTarget(given, 'https');
  const matches = endpoints.filter((endpoint) => endpoint.host.toLowerCase() === host.toLowerCase() && (!hasPort || endpoint.port === port));
  if (matches.length > 1) {
    throw new CertsUsageError(
      `"${given}" names ${String(matches.length)} certificate targets: ${matches.map((m) => `${m.id} (${addressOf(m)} ${m.protocol})`).join(', ')}.`,
      'give the id.',
    );
  }
  const [match] = matches;
  if (match === undefined) throw new EndpointNotFoundError(given);
  return { endpoint: match, all: endpoints };
}

/** `endpoints add HOST[:PORT]`: a target Trustline checks every hour. */
export async function addCommand(target: string, options: AddOptions): Promise<CommandResult> {
  const { host, port } = parseTarget(target, options.protocol);
  const body = {
    host,
    port,
    protocol: options.protocol,
    ...(options.servername === undefined ? {} : { servername: options.servername }),
    ...(options.warnDays === undefined ? {} : { warnDays: options.warnDays }),
  };
  const client = AdminClient.fromEnv();
  let added: EndpointDoc;
  try {
    added = await client.post('/admin/endpoints', body, endpointSchema);
  } catch (error) {
    throw withFlagNames(error, ENDPOINT_FLAGS);
  }
  const { endpoints } = await client.get('/admin/endpoints', listSchema);
  return {
    document: added,
    text: `Added ${addressOf(added)} (${added.protocol}, id ${added.id}); Trustline checks it every hour.\nTo check it now, run:\n  ${cliCommand(['endpoints', 'check', reference(added, endpoints)])}`,
  };
}

/** `endpoints list`: every target with its latest verdict. */
export async function listCommand(): Promise<CommandResult> {
  const { endpoints } = await AdminClient.fromEnv().get('/admin/endpoints', listSchema);
  if (endpoints.length === 0)
    return { document: { endpoints }, text: `No certificate targets yet. Add one with: ${cliCommand(['endpoints', 'add', 'HOST:PORT'])}` };
  const rows = endpoints.map((e) => [
    addressOf(e),
    e.protocol,
    e.lastResult?.verdict ?? 'not checked yet',
    e.lastResult?.daysLeft?.toString() ?? '',
    e.lastResult?.checkedAt.slice(0, 16) ?? '',
    e.id,
  ]);
  return {
    document: { endpoints },
    text: table(['TARGET', 'PROTOCOL', 'VERDICT', 'DAYS', 'CHECKED (UTC)', 'ID'], rows, { header: colour.bold, right: [3] }).join('\n'),
  };
}

/** `endpoints show ID|HOST:PORT`. */
export async function showCommand(given: string): Promise<CommandResult> {
  const { endpoint, all } = await resolve(AdminClient.fromEnv(), given);
  const last = endpoint.lastResult;
  const lines = [
    `${colour.bold(addressOf(endpoint))}  (${endpoint.protocol}, id ${endpoint.id})`,
    ...(endpoint.servername === undefined ? [] : [`  servername:     ${endpoint.servername}`]),
    ...(endpoint.warnDays === undefined ? [] : [`  warn days:      ${String(endpoint.warnDays)}`]),
    `  added:          ${endpoint.createdAt}`,
    last === undefined
      ? '  last check:     none yet'
      : `  last check:     ${last.checkedAt}: ${last.verdict}${last.daysLeft === null ? '' : `, ${String(last.daysLeft)} days left`}`,
    ...(last === undefined ? [] : [`  message:        ${last.message}`]),
    `To check it now, run:\n  ${cliCommand(['endpoints', 'check', reference(endpoint, all)])}`,
  ];
  return { document: endpoint, text: lines.join('\n') };
}

/** `endpoints check ID|HOST:PORT`: checks now through Trustline (its truststore); exits like `certs check`. */
export async function checkCommand(given: string): Promise<CommandResult> {
  const client = AdminClient.fromEnv();
  const { endpoint } = await resolve(client, given);
  const report = await withSpinner(`Checking ${addressOf(endpoint)}…`, () =>
    client.post<CheckReport>(`/admin/endpoints/${encodeURIComponent(endpoint.id)}/check`),
  );
  const targetArgs = [
    addressOf(endpoint),
    ...(endpoint.protocol === 'https' ? [] : ['--protocol', endpoint.protocol]),
    ...(endpoint.servername === undefined ? [] : ['--servername', endpoint.servername]),
  ];
  const text = checkReportText(
    report,
    report.fix === undefined
      ? {}
      : {
          trustAdd: cliCommand(['trust', 'add', '--from', ...targetArgs]),
          savePem: cliCommand(['certs', 'check', ...targetArgs, '--save-pem', report.fix.file]),
        },
  );
  return { document: report, text, exitCode: report.verdict === 'ok' ? EXIT.ok : EXIT.failed };
}

/** `endpoints remove ID|HOST:PORT`: exit 1 when nothing matched. */
export async function removeCommand(given: string): Promise<CommandResult> {
  const client = AdminClient.fromEnv();
  const { endpoint } = await resolve(client, given);
  await client.delete(`/admin/endpoints/${encodeURIComponent(endpoint.id)}`);
  return { document: { removed: endpoint }, text: `Removed ${addressOf(endpoint)} (${endpoint.protocol}, id ${endpoint.id}); Trustline no longer checks it.` };
}
