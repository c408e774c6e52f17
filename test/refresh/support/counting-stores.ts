import type { ItemWrite, LeaseStore, MetadataStore, SecretStore } from '../../../lib/store/ports.ts';

/** Operations seen by the counting wrappers since the last `reset()`. */
export interface StoreCounts {
  secretReads: number;
  secretWrites: number;
  metadataReads: number;
  metadataWrites: number;
  /** Lease writes: a granted acquire, a renew and a release write once each (and acquire and renew read once first). */
  leaseWrites: number;
  leaseReads: number;
  dueQueries: number;
  reset(): void;
}

export interface CountingStores {
  readonly secrets: SecretStore;
  readonly metadata: MetadataStore;
  readonly leases: LeaseStore;
  readonly counts: StoreCounts;
}

/** Wraps real adapters and counts every call by kind; behaviour is unchanged. */
export function countingStores(secrets: SecretStore, metadata: MetadataStore, leases: LeaseStore): CountingStores {
  const counts: StoreCounts = {
    secretReads: 0,
    secretWrites: 0,
    metadataReads: 0,
    metadataWrites: 0,
    leaseWrites: 0,
    leaseReads: 0,
    dueQueries: 0,
    reset() {
      this.secretReads = this.secretWrites = this.metadataReads = this.metadataWrites = 0;
      this.leaseWrites = this.leaseReads = this.dueQueries = 0;
    },
  };
  const countedSecrets: SecretStore = {
    get: (name, options) => {
      counts.secretReads++;
      return secrets.get(name, options);
    },
    put: (name, value) => {
      counts.secretWrites++;
      return secrets.put(name, value);
    },
    delete: (name) => {
      counts.secretWrites++;
      return secrets.delete(name);
    },
  };
  const { putWithItem } = secrets;
  // One secret write that carries one metadata write in the same commit: counted as both.
  const countedPutWithItem = putWithItem && {
    putWithItem: <T>(name: string, value: string, write: ItemWrite<T>) => {
      counts.secretWrites++;
      counts.metadataWrites++;
      return putWithItem(name, value, write);
    },
  };
  const countedMetadata: MetadataStore = {
    get: (kind, id) => {
      counts.metadataReads++;
      return metadata.get(kind, id);
    },
    put: (item, condition) => {
      counts.metadataWrites++;
      return metadata.put(item, condition);
    },
    delete: (kind, id, condition) => {
      counts.metadataWrites++;
      return metadata.delete(kind, id, condition);
    },
    take: (kind, id) => {
      counts.metadataWrites++;
      return metadata.take(kind, id);
    },
    list: (kind, options) => {
      counts.metadataReads++;
      return metadata.list(kind, options);
    },
    queryDue: (kind, dueBy, options) => {
      counts.dueQueries++;
      return metadata.queryDue(kind, dueBy, options);
    },
  };
  const countedLeases: LeaseStore = {
    acquire: async (name, owner, ttlMs) => {
      counts.leaseReads++;
      const lease = await leases.acquire(name, owner, ttlMs);
      if (lease !== undefined) counts.leaseWrites++;
      return lease;
    },
    renew: (lease, ttlMs) => {
      counts.leaseReads++;
      counts.leaseWrites++;
      return leases.renew(lease, ttlMs);
    },
    release: (lease) => {
      counts.leaseWrites++;
      return leases.release(lease);
    },
  };
  return { secrets: { ...countedSecrets, ...countedPutWithItem }, metadata: countedMetadata, leases: countedLeases, counts };
}
