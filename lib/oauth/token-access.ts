import type { OAuthServices } from './deps.ts';
import { NotAuthorizedError, TokenEndpointError } from './errors.ts';
import { requireIntegration } from './integration-store.ts';
import { needsReauthorization, refreshIntegration } from './refresh.ts';
import { readTokens, type StoredTokens } from './token-store.ts';

/** `GET .../token` refreshes first when the access token expires within this margin (less for short-lived tokens: `accessMarginMs`). */
export const TOKEN_ACCESS_MARGIN_MS = 5 * 60_000;
/** A token this close to expiry is not handed out even when a refresh failed transiently. */
const LAST_RESORT_MS = 30_000;

/**
 * The refresh margin for these tokens: 5 minutes, or half their lifetime when that is shorter,
 * so a caller polling a provider that issues short-lived tokens (60 s) does not refresh on every call.
 */
function accessMarginMs(tokens: Pick<StoredTokens, 'expiresAt' | 'obtainedAt'>): number {
  if (tokens.expiresAt === undefined) return TOKEN_ACCESS_MARGIN_MS;
  return Math.min(TOKEN_ACCESS_MARGIN_MS, Math.max(0, (tokens.expiresAt - tokens.obtainedAt) / 2));
}

export interface AccessToken {
  readonly accessToken: string;
  /** ISO 8601; absent when the provider did not say. */
  readonly expiresAt?: string;
}

/**
 * A valid access token for the mail fetcher: the stored one, or a refreshed one (under the
 * refresh lease) when it expires within its margin (`accessMarginMs`). A transient refresh failure
 * still hands out a token that has more than 30 s (or half its margin, if shorter) left.
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
  const margin = accessMarginMs(tokens);
  if (expiresAt !== undefined && expiresAt - now <= margin) {
    try {
      tokens = (await refreshIntegration(deps, integrationId, { minValidityMs: margin })).tokens;
    } catch (error) {
      const usable = expiresAt - deps.clock.now() > Math.min(LAST_RESORT_MS, margin / 2);
      if (!(error instanceof TokenEndpointError) || needsReauthorization(error) || !usable) throw error;
    }
  }
  return {
    accessToken: tokens.accessToken,
    ...(tokens.expiresAt === undefined ? {} : { expiresAt: new Date(tokens.expiresAt).toISOString() }),
  };
}
