import { LEASE_KIND, createLeaseStore } from '../../../lib/store/lease.ts';
import type { Clock, LeaseStore, MetadataStore, SecretStore } from '../../../lib/store/ports.ts';

/** Operations seen by the counting wrappers since the last `reset()`. */
export interface StoreCounts {
  secretReads: number;
  secretWrites: number;
  /** Metadata reads and writes other than lease items. */
  metadataReads: number;
  metadataWrites: number;
  /** Of those writes, the ones made with `durable: false`. */
  metadataVolatileWrites: number;
  /** Puts of lease items: acquire, renew and release each write once. */
  leaseWrites: number;
  leaseReads: number;
  dueQueries: number;
  reset(): void;
}

export interface CountingStores {
  readonly secrets: SecretStore;
  readonly metadata: MetadataStore;
  /** The real lease store, built over the counting metadata store (so its writes are counted). */
  readonly leases: LeaseStore;
  readonly counts: StoreCounts;
}

/** Wraps real adapters and counts every call by kind; behaviour is unchanged. */
export function countingStores(secrets: SecretStore, metadata: MetadataStore, clock: Clock): CountingStores {
  const counts: StoreCounts = {
    secretReads: 0,
    secretWrites: 0,
    metadataReads: 0,
    metadataWrites: 0,
    metadataVolatileWrites: 0,
    leaseWrites: 0,
    leaseReads: 0,
    dueQueries: 0,
    reset() {
      this.secretReads = this.secretWrites = this.metadataReads = this.metadataWrites = this.metadataVolatileWrites = 0;
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
  const countedMetadata: MetadataStore = {
    get: (kind, id) => {
      if (kind === LEASE_KIND) counts.leaseReads++;
      else counts.metadataReads++;
      return metadata.get(kind, id);
    },
    put: (item, condition, options) => {
      if (item.kind === LEASE_KIND) counts.leaseWrites++;
      else counts.metadataWrites++;
      if (item.kind !== LEASE_KIND && options?.durable === false) counts.metadataVolatileWrites++;
      return metadata.put(item, condition, options);
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
  return { secrets: countedSecrets, metadata: countedMetadata, leases: createLeaseStore(countedMetadata, clock), counts };
}
