import { withoutControlCharacters } from '../observe/index.ts';
import type { OAuthServices } from './deps.ts';
import type { OAuthError } from './errors.ts';
import type { Integration } from './integration.ts';
import { updateIntegration } from './integration-store.ts';

/** Records the error as the integration's `lastError` (status unchanged); returns the integration as written. */
export async function recordError(deps: Pick<OAuthServices, 'metadata' | 'clock'>, integrationId: string, error: OAuthError): Promise<Integration | undefined> {
  const at = new Date(deps.clock.now()).toISOString();
  try {
    return await updateIntegration(deps.metadata, integrationId, (current) => ({
      ...current,
      // Provider text (error_description, a server's answer) is stored without control characters.
      lastError: { code: error.code, message: withoutControlCharacters(error.message), at },
      updatedAt: at,
    }));
  } catch {
    // The integration may be gone (deleted meanwhile); the error is still reported to the caller.
    return undefined;
  }
}
