import type { OAuthServices } from './deps.ts';
import { NotAuthorizedError, TokenEndpointError } from './errors.ts';
import { requireIntegration } from './integration-store.ts';
import { needsReauthorization, refreshIntegration } from './refresh.ts';
import { readTokens } from './token-store.ts';

/** `GET .../token` refreshes first when the access token expires within this margin. */
export const TOKEN_ACCESS_MARGIN_MS = 5 * 60_000;
/** A token this close to expiry is not handed out even when a refresh failed transiently. */
const LAST_RESORT_MS = 30_000;

export interface AccessToken {
  readonly accessToken: string;
  /** ISO 8601; absent when the provider did not say. */
  readonly expiresAt?: string;
}

/**
 * A valid access token for the mail fetcher: the stored one, or a refreshed one (under the
 * refresh lease) when it expires within 5 minutes. A transient refresh failure still hands out
 * a token that has more than 30 s left.
 */
export async function getAccessToken(deps: OAuthServices, integrationId: string): Promise<AccessToken> {
  const integration = await requireIntegration(deps.metadata, integrationId);
  if (integration.status === 'not-authorized' || integration.status === 'needs-reauthorization') {
    throw new NotAuthorizedError(integrationId, integration.status);
  }
  let tokens = await readTokens(deps.secrets, integrationId);
  if (tokens === undefined) throw new NotAuthorizedError(integrationId, integration.status);
  const now = deps.clock.now();
  const expiresAt = tokens.expiresAt;
  if (expiresAt !== undefined && expiresAt - now <= TOKEN_ACCESS_MARGIN_MS) {
    try {
      tokens = (await refreshIntegration(deps, integrationId, { minValidityMs: TOKEN_ACCESS_MARGIN_MS })).tokens;
    } catch (error) {
      const usable = expiresAt - deps.clock.now() > LAST_RESORT_MS;
      if (!(error instanceof TokenEndpointError) || needsReauthorization(error) || !usable) throw error;
    }
  }
  return {
    accessToken: tokens.accessToken,
    ...(tokens.expiresAt === undefined ? {} : { expiresAt: new Date(tokens.expiresAt).toISOString() }),
  };
}
