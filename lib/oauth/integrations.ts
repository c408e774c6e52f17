import { randomUUID } from 'node:crypto';
import type { Config } from '../runtime/config.ts';
import type { OAuthServices } from './deps.ts';
import { assertSecureEndpoint } from './endpoint-policy.ts';
import type { CreateIntegrationInput, Integration, IntegrationView, UpdateIntegrationInput } from './integration.ts';
import { insertIntegration, listIntegrations, removeIntegration, requireIntegration, updateIntegration } from './integration-store.ts';
import { resolveMailServer } from './mail-settings.ts';
import { type ResolvedEndpoints, presetFor } from './presets/index.ts';
import { redirectKey, redirectUrl } from './redirect-key.ts';
import { withRefreshLease } from './refresh-lease.ts';
import { deleteIntegrationSecret, readIntegrationSecret, writeIntegrationSecret } from './token-store.ts';

/** The API view of an integration. */
export function toView(integration: Integration, publicUrl: string): IntegrationView {
  const { redirectKey: key, ...rest } = integration;
  return { ...rest, redirectUrl: redirectUrl(publicUrl, key) };
}

function checkEndpoints(resolved: ResolvedEndpoints, config: Config): void {
  assertSecureEndpoint('authorizationEndpoint', resolved.authorizationEndpoint, config.allowLoopbackHttp);
  assertSecureEndpoint('tokenEndpoint', resolved.tokenEndpoint, config.allowLoopbackHttp);
  assertSecureEndpoint('issuer', resolved.issuer, config.allowLoopbackHttp);
}

/** Creates an integration (status not-authorized); the client secret goes to the SecretStore only. */
export async function createIntegration(deps: OAuthServices, input: CreateIntegrationInput): Promise<IntegrationView> {
  const preset = presetFor(input.provider);
  const resolved = preset.resolve(input);
  checkEndpoints(resolved, deps.config);
  const now = new Date(deps.clock.now()).toISOString();
  const integration: Integration = {
    id: randomUUID(),
    provider: input.provider,
    name: input.name,
    ...(input.description === undefined ? {} : { description: input.description }),
    clientId: input.clientId,
    clientSecretSet: true,
    ...resolved,
    ...(input.mailServer === undefined ? {} : { mailServer: resolveMailServer(input.mailServer, preset) }),
    redirectKey: redirectKey(resolved.authorizationEndpoint, resolved.tokenEndpoint),
    status: 'not-authorized',
    createdAt: now,
    updatedAt: now,
  };
  await insertIntegration(deps.metadata, integration);
  try {
    await writeIntegrationSecret(deps.secrets, integration.id, { clientSecret: input.clientSecret });
  } catch (error) {
    await removeIntegration(deps.metadata, integration.id);
    throw error;
  }
  return toView(integration, deps.config.publicUrl);
}

export interface UpdateResult {
  readonly integration: IntegrationView;
  readonly redirectUrlChanged: boolean;
  /** Plain-words note of what the change means for the admin, when it means something. */
  readonly notice?: string;
}

/**
 * Applies a PATCH. Changing an endpoint (or a Microsoft tenant) changes the redirect URL and,
 * like changing the client ID, drops the grant: the status returns to not-authorized.
 */
export async function patchIntegration(deps: OAuthServices, id: string, input: UpdateIntegrationInput): Promise<UpdateResult> {
  const current = await requireIntegration(deps.metadata, id);
  const preset = presetFor(current.provider);
  const isCustom = current.provider === 'custom';
  const tenant = input.tenant === null ? undefined : (input.tenant ?? current.tenant);
  const resolved = preset.resolve({
    scopes: input.scopes ?? current.scopes,
    authorizationEndpoint: input.authorizationEndpoint ?? (isCustom ? current.authorizationEndpoint : undefined),
    tokenEndpoint: input.tokenEndpoint ?? (isCustom ? current.tokenEndpoint : undefined),
    issuer: input.issuer ?? (isCustom ? current.issuer : undefined),
    tenant,
  });
  checkEndpoints(resolved, deps.config);
  const key = redirectKey(resolved.authorizationEndpoint, resolved.tokenEndpoint);
  const redirectUrlChanged = key !== current.redirectKey;
  const grantDropped = redirectUrlChanged || (input.clientId !== undefined && input.clientId !== current.clientId) || resolved.issuer !== current.issuer;
  const mailServer = input.mailServer === null ? undefined : input.mailServer === undefined ? current.mailServer : resolveMailServer(input.mailServer, preset);
  const now = new Date(deps.clock.now()).toISOString();

  const update = () =>
    updateIntegration(deps.metadata, id, (latest) => {
      const { tenant: _t, mailServer: _m, description: _d, ...base } = latest;
      const kept = grantDropped ? withoutGrant(base) : base;
      const description = input.description === null ? undefined : (input.description ?? latest.description);
      return {
        ...kept,
        name: input.name ?? latest.name,
        ...(description === undefined ? {} : { description }),
        clientId: input.clientId ?? latest.clientId,
        clientSecretSet: latest.clientSecretSet || input.clientSecret !== undefined,
        ...resolved,
        ...(mailServer === undefined ? {} : { mailServer }),
        redirectKey: key,
        ...(grantDropped ? { status: 'not-authorized' as const } : {}),
        updatedAt: now,
      };
    });
  // The secret holds client secret and tokens together: rewrite it under the refresh lease so
  // a refresh running meanwhile can neither lose its rotated token nor bring back the old secret.
  const rewritesSecret = input.clientSecret !== undefined || grantDropped;
  const updated = rewritesSecret
    ? await withRefreshLease(deps.leases, id, async () => {
        const changed = await update();
        await rewriteSecret(deps, id, input.clientSecret, grantDropped);
        return changed;
      })
    : await update();
  const notice = redirectUrlChanged
    ? 'The endpoints changed, so the redirect URL changed: register the new redirectUrl at the provider, then authorize again.'
    : grantDropped
      ? 'The client or issuer changed, so the stored grant was dropped: authorize again.'
      : undefined;
  return { integration: toView(updated, deps.config.publicUrl), redirectUrlChanged, ...(notice === undefined ? {} : { notice }) };
}

/** A new client secret keeps the tokens; a dropped grant removes them and keeps the client secret. */
async function rewriteSecret(deps: OAuthServices, id: string, newClientSecret: string | undefined, grantDropped: boolean): Promise<void> {
  const current = await readIntegrationSecret(deps.secrets, id);
  const clientSecret = newClientSecret ?? current?.clientSecret;
  // Nothing to store, or only a grant to drop that is not there: leave the secret as it is.
  if (clientSecret === undefined || (newClientSecret === undefined && current?.tokens === undefined)) return;
  await writeIntegrationSecret(deps.secrets, id, { clientSecret, tokens: grantDropped ? undefined : current?.tokens });
}

function withoutGrant<T extends Partial<Integration>>(integration: T): Omit<T, 'accessTokenExpiresAt' | 'lastRefreshAt' | 'authorizedAt' | 'lastError'> {
  const { accessTokenExpiresAt: _a, lastRefreshAt: _l, authorizedAt: _z, lastError: _e, ...rest } = integration;
  return rest;
}

export async function getIntegrationView(deps: OAuthServices, id: string): Promise<IntegrationView> {
  return toView(await requireIntegration(deps.metadata, id), deps.config.publicUrl);
}

export async function listIntegrationViews(deps: OAuthServices): Promise<IntegrationView[]> {
  return (await listIntegrations(deps.metadata)).map((integration) => toView(integration, deps.config.publicUrl));
}

/** Deletes the integration and every secret it owns; false when it did not exist. */
export async function deleteIntegration(deps: OAuthServices, id: string): Promise<boolean> {
  const removed = await removeIntegration(deps.metadata, id);
  if (removed === undefined) return false;
  await deleteIntegrationSecret(deps.secrets, id);
  return true;
}
