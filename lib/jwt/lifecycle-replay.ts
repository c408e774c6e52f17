import { createHash } from 'node:crypto';
import { ConditionFailedError, type ItemSet, type MetadataStore } from '../store/index.ts';

/**
 * Table item kind of a lifecycle token already used. The signature of a lifecycle token covers
 * the method and path (qsh), not the body: whoever captured one could send it again with another
 * `sharedSecret` until it expires. Each token is remembered, by its SHA-256, until then.
 */
export const LIFECYCLE_TOKEN_KIND = 'connect-lifecycle-token';
/** The table items of used lifecycle tokens. */
export const LIFECYCLE_TOKEN_ITEMS: ItemSet = { kinds: [LIFECYCLE_TOKEN_KIND] };

/** Records the token as used until `expiresAtMs`; false when it was already used. */
export async function firstUse(metadata: MetadataStore, token: string, expiresAtMs: number): Promise<boolean> {
  const id = createHash('sha256').update(token).digest('hex');
  try {
    await metadata.put({ kind: LIFECYCLE_TOKEN_KIND, id, data: {}, expiresAt: expiresAtMs }, { expectedVersion: 'absent' });
    return true;
  } catch (error) {
    if (error instanceof ConditionFailedError) return false;
    throw error;
  }
}
