import { createHash } from 'node:crypto';
import { ConditionFailedError, type ItemSet, type MetadataStore, type NewItem, type StoredItem, listAll } from '../store/index.ts';
import { refreshDueAt } from './due.ts';
import { IntegrationConflictError, IntegrationNameTakenError, IntegrationNotFoundError } from './errors.ts';
import type { Integration } from './integration.ts';

/** Metadata-store kinds: the integration, and one claim per name that keeps names unique. */
export const INTEGRATION_KIND = 'integration';
const NAME_KIND = 'integration-name';
/** The table items of integrations; the scheduled refresh finds the due ones through the `due` index. */
export const INTEGRATION_ITEMS: ItemSet = { kinds: [INTEGRATION_KIND, NAME_KIND], dueIndex: true };
/** Far beyond any real installation, and keeps `list` finite. */
const MAX_INTEGRATIONS = 10_000;
const UPDATE_ATTEMPTS = 5;

/** Names are unique ignoring case and Unicode form. */
function nameClaimId(name: string): string {
  return createHash('sha256').update(name.normalize('NFC').toLowerCase()).digest('hex');
}

async function claimName(metadata: MetadataStore, name: string, integrationId: string): Promise<void> {
  try {
    await metadata.put({ kind: NAME_KIND, id: nameClaimId(name), data: { integrationId } }, { expectedVersion: 'absent' });
  } catch (error) {
    if (error instanceof ConditionFailedError) throw new IntegrationNameTakenError(name);
    throw error;
  }
}

async function releaseName(metadata: MetadataStore, name: string): Promise<void> {
  await metadata.delete(NAME_KIND, nameClaimId(name));
}

/** The metadata item of an integration: `dueAt` follows its state. */
export function integrationItem(integration: Integration): NewItem<Integration> {
  const dueAt = refreshDueAt(integration);
  return { kind: INTEGRATION_KIND, id: integration.id, data: integration, ...(dueAt === undefined ? {} : { dueAt }) };
}

/** Writes a new integration; throws IntegrationNameTakenError when the name is in use. */
export async function insertIntegration(metadata: MetadataStore, integration: Integration): Promise<Integration> {
  await claimName(metadata, integration.name, integration.id);
  try {
    await metadata.put(integrationItem(integration), { expectedVersion: 'absent' });
  } catch (error) {
    await releaseName(metadata, integration.name);
    throw error;
  }
  return integration;
}

/** The integration, or IntegrationNotFoundError. */
export async function requireIntegration(metadata: MetadataStore, id: string): Promise<Integration> {
  return (await requireIntegrationItem(metadata, id)).data;
}

/** The integration with its store version (for a later `updateIntegration` without a second read), or IntegrationNotFoundError. */
export async function requireIntegrationItem(metadata: MetadataStore, id: string): Promise<StoredItem<Integration>> {
  const item = await metadata.get<Integration>(INTEGRATION_KIND, id);
  if (item === undefined) throw new IntegrationNotFoundError(id);
  return item;
}

/** Every integration, ordered by id. */
export async function listIntegrations(metadata: MetadataStore): Promise<Integration[]> {
  return listAll<Integration>(metadata, INTEGRATION_KIND, MAX_INTEGRATIONS);
}

export interface UpdateOptions {
  /**
   * The item as the caller already read it, used for the first attempt instead of reading again
   * (the write is conditional on its version, so a change made since is never lost).
   */
  readonly read?: StoredItem<Integration> | undefined;
}

/**
 * Applies `change` to the current integration with an optimistic write, retrying when another
 * writer got in between; `dueAt` follows the new state. Returns the integration as written.
 */
export async function updateIntegration(
  metadata: MetadataStore,
  id: string,
  change: (current: Integration) => Integration,
  options: UpdateOptions = {},
): Promise<Integration> {
  const { read } = options;
  let lastConflict: ConditionFailedError | undefined;
  for (let attempt = 0; attempt < UPDATE_ATTEMPTS; attempt++) {
    const item = attempt === 0 && read !== undefined ? read : await metadata.get<Integration>(INTEGRATION_KIND, id);
    if (item === undefined) throw new IntegrationNotFoundError(id);
    const next = change(item.data);
    // Same name, same claim: the hash is needed only when the name changed.
    const renamed = next.name !== item.data.name && nameClaimId(next.name) !== nameClaimId(item.data.name);
    if (renamed) await claimName(metadata, next.name, id);
    try {
      await metadata.put(integrationItem(next), { expectedVersion: item.version });
    } catch (error) {
      if (renamed) await releaseName(metadata, next.name);
      if (!(error instanceof ConditionFailedError)) throw error;
      lastConflict = error;
      continue;
    }
    if (renamed) await releaseName(metadata, item.data.name);
    return next;
  }
  throw new IntegrationConflictError(id, { cause: lastConflict });
}

/** Removes the integration and its name claim; false when it did not exist. */
export async function removeIntegration(metadata: MetadataStore, id: string): Promise<Integration | undefined> {
  const item = await metadata.take<Integration>(INTEGRATION_KIND, id);
  if (item === undefined) return undefined;
  await releaseName(metadata, item.data.name);
  return item.data;
}
