import * as z from 'zod/mini';
import { registerSecret } from '../observe/index.ts';
import type { ItemWrite, SecretStore, StoredItem } from '../store/index.ts';

/** The grant Trustline keeps for an integration (inside its one secret, see IntegrationSecret). */
export interface StoredTokens {
  readonly accessToken: string;
  readonly refreshToken: string;
  readonly tokenType: string;
  /** Epoch ms; absent when the provider did not say (no `expires_in`). */
  readonly expiresAt?: number;
  /** Granted scopes as the provider reported them, space-separated. */
  readonly scope?: string;
  /** Epoch ms of the token response. */
  readonly obtainedAt: number;
}

/**
 * Everything secret about one integration, kept in ONE SecretStore secret (JSON) so that a
 * refresh reads once (client secret and refresh token together) and writes once.
 */
export interface IntegrationSecret {
  readonly clientSecret: string;
  /** Absent until the first authorization, and again after a change that drops the grant. */
  readonly tokens?: StoredTokens;
}

// zod/mini: cheaper to build at start than zod's classic API (lib/runtime/config.ts registers the messages' locale).
const storedTokensSchema = z.object({
  accessToken: z.string().check(z.minLength(1)),
  refreshToken: z.string().check(z.minLength(1)),
  tokenType: z.string(),
  expiresAt: z.optional(z.number()),
  scope: z.optional(z.string()),
  obtainedAt: z.number(),
});

const integrationSecretSchema = z.object({
  clientSecret: z.string().check(z.minLength(1)),
  tokens: z.optional(storedTokensSchema),
});

/** The integration's one secret, `trustline/integrations/{id}` (the manifest prefix `integrations/` covers it). */
export const integrationSecretName = (integrationId: string): string => `trustline/integrations/${integrationId}`;

function registerValues(secret: IntegrationSecret): void {
  registerSecret(secret.clientSecret);
  registerSecret(secret.tokens?.accessToken);
  registerSecret(secret.tokens?.refreshToken);
}

/** The client secret and current tokens in one read; undefined when the integration has no secret. */
export async function readIntegrationSecret(secrets: SecretStore, integrationId: string): Promise<IntegrationSecret | undefined> {
  const version = await secrets.get(integrationSecretName(integrationId));
  if (version === undefined) return undefined;
  registerSecret(version.value);
  const secret: IntegrationSecret = integrationSecretSchema.parse(JSON.parse(version.value));
  registerValues(secret);
  return secret;
}

/**
 * Replaces the integration's secret in one write; the value it replaces stays readable as the
 * previous version. Callers that keep part of the old value hold the refresh lease (refresh-lease.ts).
 * With `alongside`, a store that keeps secrets and items in one database writes that item in the
 * same commit (SecretStore.putWithItem) and returns it as written; undefined: not written, do it on its own.
 */
export async function writeIntegrationSecret<T>(
  secrets: SecretStore,
  integrationId: string,
  secret: IntegrationSecret,
  alongside?: ItemWrite<T>,
): Promise<StoredItem<T> | undefined> {
  registerValues(secret);
  const value: IntegrationSecret =
    secret.tokens === undefined ? { clientSecret: secret.clientSecret } : { clientSecret: secret.clientSecret, tokens: secret.tokens };
  const name = integrationSecretName(integrationId);
  if (alongside !== undefined && secrets.putWithItem !== undefined) return (await secrets.putWithItem(name, JSON.stringify(value), alongside)).item;
  await secrets.put(name, JSON.stringify(value));
  return undefined;
}

/** The current tokens, or undefined when the integration was never authorized (or its grant was dropped). */
export async function readTokens(secrets: SecretStore, integrationId: string): Promise<StoredTokens | undefined> {
  return (await readIntegrationSecret(secrets, integrationId))?.tokens;
}

/** Removes the integration's secret with every version. */
export async function deleteIntegrationSecret(secrets: SecretStore, integrationId: string): Promise<void> {
  await secrets.delete(integrationSecretName(integrationId));
}
