import { createHash } from 'node:crypto';
import * as client from 'openid-client';
import { registerSecret } from '../observe/index.ts';
import type { ItemSet } from '../store/index.ts';
import type { OAuthServices } from './deps.ts';
import { requireIntegration } from './integration-store.ts';
import { presetFor } from './presets/index.ts';
import { providerConfiguration } from './provider-client.ts';
import { redirectUrl } from './redirect-key.ts';

/** Metadata-store kinds of pending authorizations and of used `state` values. */
export const STATE_KIND = 'oauth-state';
export const USED_STATE_KIND = 'oauth-state-used';
/** The table items of pending authorizations (written here, taken by the callback) and of used `state` values. */
export const OAUTH_STATE_ITEMS: ItemSet = { kinds: [STATE_KIND, USED_STATE_KIND] };
/** How long the admin has to finish the provider's sign-in. */
export const STATE_TTL_MS = 10 * 60_000;
/** Pending and used states stay readable this long, so a late or replayed answer gets the right explanation. */
export const STATE_RETENTION_MS = 24 * 60 * 60_000;

/** One authorization in flight, bound to its integration (kind `oauth-state`, id = stateId(state)). */
export interface PendingAuthorization {
  readonly integrationId: string;
  readonly redirectKey: string;
  readonly codeVerifier: string;
  readonly createdAt: number;
  /** Epoch ms after which the state is refused as expired. */
  readonly validUntil: number;
}

/** Store ids are digests: the metadata store never holds a usable `state` value. */
export function stateId(state: string): string {
  return createHash('sha256').update(state).digest('hex');
}

/**
 * Starts the authorization code flow: a single-use `state` bound to the integration (valid
 * 10 minutes), a PKCE S256 challenge, and the provider URL to open in a browser.
 */
export async function startAuthorization(
  deps: OAuthServices,
  integrationId: string,
): Promise<{ authorizationUrl: string; redirectUrl: string; expiresAt: string }> {
  const integration = await requireIntegration(deps.metadata, integrationId);
  const configuration = providerConfiguration(integration, undefined, { trust: deps.trust, allowLoopbackHttp: deps.config.allowLoopbackHttp });
  const state = client.randomState();
  const codeVerifier = client.randomPKCECodeVerifier();
  registerSecret(codeVerifier);
  const now = deps.clock.now();
  const pending: PendingAuthorization = {
    integrationId,
    redirectKey: integration.redirectKey,
    codeVerifier,
    createdAt: now,
    validUntil: now + STATE_TTL_MS,
  };
  await deps.metadata.put({ kind: STATE_KIND, id: stateId(state), data: pending, expiresAt: now + STATE_RETENTION_MS }, { expectedVersion: 'absent' });
  const callbackUrl = redirectUrl(deps.config.publicUrl, integration.redirectKey);
  const url = client.buildAuthorizationUrl(configuration, {
    ...presetFor(integration.provider).authorizationParams,
    redirect_uri: callbackUrl,
    scope: integration.scopes.join(' '),
    state,
    code_challenge: await client.calculatePKCECodeChallenge(codeVerifier),
    code_challenge_method: 'S256',
  });
  return { authorizationUrl: url.href, redirectUrl: callbackUrl, expiresAt: new Date(pending.validUntil).toISOString() };
}
