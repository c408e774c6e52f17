import { ConditionFailedError, LeaseLostError } from './errors.ts';
import type { ItemSet } from './item-set.ts';
import type { Lease, LeaseStore, MetadataStore, StoredItem } from './ports.ts';
import type { Clock } from '../clock.ts';

/** Metadata kind of lease items. */
export const LEASE_KIND = 'lease';
/** The table items the lease store keeps. */
export const LEASE_ITEMS: ItemSet = { kinds: [LEASE_KIND] };

/**
 * Lease items outlive their lease by this much, and release writes an expired lease instead of
 * deleting: versions of a name keep counting up, so a holder paused past its lease can never
 * find "its" version number reused by a later holder (no ABA). The store's TTL cleans up after.
 */
const RETENTION_MS = 24 * 60 * 60 * 1000;

interface LeaseData {
  readonly owner: string;
  readonly expiresAt: number;
}

/** LeaseStore over any MetadataStore: every change is a conditional put on the lease item's version. */
export function createLeaseStore(metadata: MetadataStore, clock: Clock): LeaseStore {
  const write = async (name: string, owner: string, expiresAt: number, expectedVersion: number | 'absent'): Promise<Lease> => {
    const item = await metadata.put<LeaseData>(
      { kind: LEASE_KIND, id: name, data: { owner, expiresAt }, expiresAt: expiresAt + RETENTION_MS },
      { expectedVersion },
    );
    return toLease(item);
  };

  return {
    async acquire(name, owner, ttlMs) {
      const now = clock.now();
      const current = await metadata.get<LeaseData>(LEASE_KIND, name);
      if (current && current.data.expiresAt > now && current.data.owner !== owner) return undefined;
      try {
        return await write(name, owner, now + ttlMs, current ? current.version : 'absent');
      } catch (error) {
        if (error instanceof ConditionFailedError) return undefined;
        throw error;
      }
    },

    async renew(lease, ttlMs) {
      const now = clock.now();
      const current = await metadata.get<LeaseData>(LEASE_KIND, lease.name);
      const stillHeld = current !== undefined && current.version === lease.version && current.data.owner === lease.owner && current.data.expiresAt > now;
      if (!stillHeld) throw new LeaseLostError(lease.name);
      try {
        return await write(lease.name, lease.owner, now + ttlMs, lease.version);
      } catch (error) {
        if (error instanceof ConditionFailedError) throw new LeaseLostError(lease.name, { cause: error });
        throw error;
      }
    },

    async release(lease) {
      try {
        await write(lease.name, lease.owner, clock.now(), lease.version);
      } catch (error) {
        if (!(error instanceof ConditionFailedError)) throw error;
      }
    },
  };
}

function toLease(item: StoredItem<LeaseData>): Lease {
  return { name: item.id, owner: item.data.owner, expiresAt: item.data.expiresAt, version: item.version };
}
