import { z } from 'zod';
import { registerSecret } from '../observe/redact.ts';
import type { SecretStore } from '../store/ports.ts';

/** The grant Trustline keeps for an integration (one SecretStore secret, JSON). */
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

const storedTokensSchema = z.object({
  accessToken: z.string().min(1),
  refreshToken: z.string().min(1),
  tokenType: z.string(),
  expiresAt: z.number().optional(),
  scope: z.string().optional(),
  obtainedAt: z.number(),
});

/** Secret names: `trustline/integrations/{id}/tokens` and `.../client-secret`. */
export const tokensSecretName = (integrationId: string): string => `trustline/integrations/${integrationId}/tokens`;
export const clientSecretName = (integrationId: string): string => `trustline/integrations/${integrationId}/client-secret`;

function parseTokens(value: string): StoredTokens {
  const tokens = storedTokensSchema.parse(JSON.parse(value));
  registerSecret(tokens.accessToken);
  registerSecret(tokens.refreshToken);
  return tokens;
}

/** The current tokens, or undefined when the integration was never authorized. */
export async function readTokens(secrets: SecretStore, integrationId: string): Promise<StoredTokens | undefined> {
  const version = await secrets.get(tokensSecretName(integrationId));
  if (version === undefined) return undefined;
  registerSecret(version.value);
  return parseTokens(version.value);
}

/** Stores a new grant; the one it replaces stays readable as the previous version. */
export async function writeTokens(secrets: SecretStore, integrationId: string, tokens: StoredTokens): Promise<void> {
  registerSecret(tokens.accessToken);
  registerSecret(tokens.refreshToken);
  await secrets.put(tokensSecretName(integrationId), JSON.stringify(tokens));
}

export async function deleteTokens(secrets: SecretStore, integrationId: string): Promise<void> {
  await secrets.delete(tokensSecretName(integrationId));
}

export async function readClientSecret(secrets: SecretStore, integrationId: string): Promise<string | undefined> {
  const version = await secrets.get(clientSecretName(integrationId));
  registerSecret(version?.value);
  return version?.value;
}

export async function writeClientSecret(secrets: SecretStore, integrationId: string, clientSecret: string): Promise<void> {
  registerSecret(clientSecret);
  await secrets.put(clientSecretName(integrationId), clientSecret);
}

/** Removes every secret of the integration. */
export async function deleteIntegrationSecrets(secrets: SecretStore, integrationId: string): Promise<void> {
  await Promise.all([secrets.delete(tokensSecretName(integrationId)), secrets.delete(clientSecretName(integrationId))]);
}
