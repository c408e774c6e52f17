import * as z from 'zod';

/** The shapes the integrations CLI expects from /admin/integrations, and how it prints them. */

const lastErrorSchema = z.object({ code: z.string(), message: z.string(), at: z.string() });
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
});
export type IntegrationDoc = z.infer<typeof integrationSchema>;
export const listSchema = z.object({ integrations: z.array(integrationSchema) });
export const authorizeSchema = z.object({ authorizationUrl: z.string(), redirectUrl: z.string(), expiresAt: z.string() });
const stepSchema = z.looseObject({ name: z.string(), ok: z.boolean(), message: z.string(), code: z.string().optional(), fix: z.string().optional() });
export const testSchema = z.object({ ok: z.boolean(), steps: z.array(stepSchema) });

/** What someone has to do about the integration's status; undefined while it needs nobody. */
function nextStep(integration: IntegrationDoc): string | undefined {
  const authorize = `\`trustline integrations authorize ${integration.id}\``;
  switch (integration.status) {
    case 'not-authorized':
      return `sign in at the provider: ${authorize}, then open the printed URL.`;
    case 'needs-reauthorization':
      return `the provider no longer accepts this grant, so mail stops until someone signs in again: ${authorize}.`;
    case 'refresh-failing': {
      const when = integration.nextRefreshAttemptAt === undefined ? 'at the next run' : `at ${integration.nextRefreshAttemptAt}`;
      return `none yet: Trustline retries by itself (next attempt ${when}). If the failures go on, check the provider and the last error; \`trustline integrations refresh ${integration.id}\` tries at once.`;
    }
    default:
      return undefined;
  }
}

/** One line per integration for `list`. */
export function summary(integration: IntegrationDoc): string {
  const problem = integration.lastError === undefined ? '' : `  last error: ${integration.lastError.code}`;
  const human = integration.status === 'not-authorized' || integration.status === 'needs-reauthorization' ? `  -> trustline integrations authorize ${integration.id}` : '';
  return `${integration.id}  ${integration.name}  (${integration.provider})  ${integration.status}${problem}${human}`;
}

/** Every setting of one integration for `show`; the secret only as set or not. */
export function details(integration: IntegrationDoc): string {
  const lines = [
    `${integration.name}  (${integration.provider}, id ${integration.id})`,
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
  if (integration.lastError !== undefined) lines.push(`  last error:             ${integration.lastError.code} at ${integration.lastError.at}: ${integration.lastError.message}`);
  if ((integration.refreshFailures ?? 0) > 0) lines.push(`  refresh failures:       ${integration.refreshFailures} in a row`);
  if (integration.nextRefreshAttemptAt !== undefined) lines.push(`  next refresh attempt:   ${integration.nextRefreshAttemptAt}`);
  const step = nextStep(integration);
  if (step !== undefined) lines.push(`  what to do:             ${step}`);
  return lines.join('\n');
}
