import * as z from 'zod';
import { cliCommand } from './next-step.ts';
import { colour } from './style.ts';
import { table } from './table.ts';

/** The shapes the integrations CLI expects from /admin/integrations, and how it prints them. */

const lastErrorSchema = z.object({ code: z.string(), message: z.string(), at: z.string() });
const warningSchema = z.object({ code: z.string(), message: z.string() });
export const integrationSchema = z.looseObject({
  id: z.string(),
  provider: z.string(),
  name: z.string(),
  description: z.string().optional(),
  clientId: z.string(),
  clientSecretSet: z.boolean(),
  scopes: z.array(z.string()),
  authorizationEndpoint: z.string(),
  tokenEndpoint: z.string(),
  issuer: z.string(),
  tenant: z.string().optional(),
  mailServer: z.looseObject({ protocol: z.string(), host: z.string(), port: z.number(), security: z.string(), username: z.string() }).optional(),
  redirectUrl: z.string(),
  status: z.string(),
  accessTokenExpiresAt: z.string().optional(),
  lastRefreshAt: z.string().optional(),
  lastError: lastErrorSchema.optional(),
  refreshFailures: z.number().optional(),
  nextRefreshAttemptAt: z.string().optional(),
  warnings: z.array(warningSchema).optional(),
  redirectUrlChanged: z.boolean().optional(),
  notice: z.string().optional(),
});
export type IntegrationDoc = z.infer<typeof integrationSchema>;
export const listSchema = z.object({ integrations: z.array(integrationSchema) });
export const authorizeSchema = z.object({ authorizationUrl: z.string(), redirectUrl: z.string(), expiresAt: z.string() });
const stepSchema = z.looseObject({ name: z.string(), ok: z.boolean(), message: z.string(), code: z.string().optional(), fix: z.string().optional() });
export const testSchema = z.object({ ok: z.boolean(), steps: z.array(stepSchema) });

/** The command that signs in again; names are unique, so the name (what the user typed) is used. */
export const authorizeCommand = (integration: Pick<IntegrationDoc, 'name'>): string => cliCommand(['integrations', 'authorize', integration.name]);

/** What someone has to do about the integration's status; undefined while it needs nobody. */
function nextStep(integration: IntegrationDoc): string | undefined {
  const authorize = authorizeCommand(integration);
  switch (integration.status) {
    case 'not-authorized':
      return `sign in at the provider. Run: ${authorize}`;
    case 'needs-reauthorization':
      return `the provider no longer accepts this grant, so mail stops until someone signs in again. Run: ${authorize}`;
    case 'refresh-failing': {
      const when = integration.nextRefreshAttemptAt === undefined ? 'at the next run' : `at ${integration.nextRefreshAttemptAt}`;
      return `none yet: Trustline retries by itself (next attempt ${when}). If the failures go on, check the provider and the last error; to try at once, run: ${cliCommand(['integrations', 'refresh', integration.name])}`;
    }
    default:
      return undefined;
  }
}

/** The redirect-base warnings the API returned, one paragraph each. */
export function warningLines(integration: Pick<IntegrationDoc, 'warnings'>): string[] {
  return (integration.warnings ?? []).map((warning) => `${colour.warn('Warning:')} ${warning.message}`);
}

/** `list`: a table with a header; the sign-in command beside the integrations that need one. */
export function listTable(integrations: readonly IntegrationDoc[]): string[] {
  const rows = integrations.map((integration) => {
    const needsSignIn = integration.status === 'not-authorized' || integration.status === 'needs-reauthorization';
    return [
      integration.name,
      integration.provider,
      integration.status,
      integration.lastError?.code ?? '',
      needsSignIn ? authorizeCommand(integration) : '',
      integration.id,
    ];
  });
  return table(['NAME', 'PROVIDER', 'STATUS', 'LAST ERROR', 'NEXT STEP', 'ID'], rows, { header: colour.bold });
}

/** One line per integration (kept for scripts that read the text of `list`). */
export function summary(integration: IntegrationDoc): string {
  const problem = integration.lastError === undefined ? '' : `  last error: ${integration.lastError.code}`;
  const human = integration.status === 'not-authorized' || integration.status === 'needs-reauthorization' ? `  -> ${authorizeCommand(integration)}` : '';
  return `${integration.id}  ${integration.name}  (${integration.provider})  ${integration.status}${problem}${human}`;
}

/** Every setting of one integration for `show`; the secret only as set or not. */
export function details(integration: IntegrationDoc): string {
  const lines = [
    `${colour.bold(integration.name)}  (${integration.provider}, id ${integration.id})`,
    `  status:                 ${integration.status}`,
    ...(integration.description === undefined ? [] : [`  description:            ${integration.description}`]),
    `  client ID:              ${integration.clientId}`,
    `  client secret:          ${integration.clientSecretSet ? 'set (write-only)' : 'not set'}`,
    `  scopes:                 ${integration.scopes.join(' ')}`,
    `  authorization endpoint: ${integration.authorizationEndpoint}`,
    `  token endpoint:         ${integration.tokenEndpoint}`,
    `  issuer:                 ${integration.issuer}`,
    ...(integration.tenant === undefined ? [] : [`  tenant:                 ${integration.tenant}`]),
    `  redirect URL:           ${integration.redirectUrl}`,
  ];
  const mail = integration.mailServer;
  if (mail !== undefined) lines.push(`  mail server:            ${mail.protocol} ${mail.host}:${mail.port} (${mail.security}) as ${mail.username}`);
  if (integration.accessTokenExpiresAt !== undefined) lines.push(`  access token expires:   ${integration.accessTokenExpiresAt}`);
  if (integration.lastRefreshAt !== undefined) lines.push(`  last refresh:           ${integration.lastRefreshAt}`);
  if (integration.lastError !== undefined)
    lines.push(`  last error:             ${integration.lastError.code} at ${integration.lastError.at}: ${integration.lastError.message}`);
  if ((integration.refreshFailures ?? 0) > 0) lines.push(`  refresh failures:       ${integration.refreshFailures} in a row`);
  if (integration.nextRefreshAttemptAt !== undefined) lines.push(`  next refresh attempt:   ${integration.nextRefreshAttemptAt}`);
  const step = nextStep(integration);
  if (step !== undefined) lines.push(`  what to do:             ${step}`);
  const warnings = warningLines(integration);
  if (warnings.length > 0) lines.push('', ...warnings);
  return lines.join('\n');
}
