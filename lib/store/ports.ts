/**
 * Storage ports. Every adapter (local/ embedded, aws/ Secrets Manager + DynamoDB) passes the
 * one contract suite in test/store/contract.ts.
 */

/** One version of a secret. `versionId` is opaque. */
export interface SecretVersion {
  readonly value: string;
  readonly versionId: string;
}

/**
 * Secrets: client secrets, OAuth tokens, Connect shared secrets. Names start with `trustline/`.
 * A put keeps the value it replaces as the previous version (Secrets Manager's AWSPREVIOUS).
 */
export interface SecretStore {
  /** The current version, or the previous one with `{ stage: 'previous' }`; undefined when absent. */
  get(name: string, options?: { stage?: 'current' | 'previous' }): Promise<SecretVersion | undefined>;
  /** Creates the secret or adds a new current version. */
  put(name: string, value: string): Promise<{ versionId: string }>;
  /** Deletes every version at once; deleting an absent secret is not an error. */
  delete(name: string): Promise<void>;
  /**
   * Optional, for stores that keep secrets and items in one database (the local stores): `put`,
   * and `write` to the MetadataStore of the same stores in the same atomic commit, so the item
   * is never seen without the secret version. The secret is always written; the item only when
   * its condition holds (`item` undefined otherwise, nothing written: write it on its own).
   */
  readonly putWithItem?: <T>(name: string, value: string, write: ItemWrite<T>) => Promise<{ versionId: string; item: StoredItem<T> | undefined }>;
}

/** A MetadataStore put (`SecretStore.putWithItem`): the item and the condition it is written under. */
export interface ItemWrite<T> {
  readonly item: NewItem<T>;
  readonly condition?: PutCondition;
}

/** An item of the metadata store: integrations, OAuth states, leases, endpoints, trust entries. */
export interface StoredItem<T> {
  readonly kind: string;
  readonly id: string;
  readonly data: T;
  /** Optimistic version: 1 on create, +1 on every put. */
  readonly version: number;
  /** Epoch ms; items with a dueAt are found by `queryDue`. */
  readonly dueAt?: number;
  /** Epoch ms; after it the item reads as absent (DynamoDB TTL deletes it later). */
  readonly expiresAt?: number;
}

export interface NewItem<T> {
  readonly kind: string;
  readonly id: string;
  readonly data: T;
  readonly dueAt?: number;
  readonly expiresAt?: number;
}

/** `absent`: only if no live item exists; a number: only if the live item has that version. */
export type PutCondition = { readonly expectedVersion: number | 'absent' };

export interface Page<T> {
  readonly items: StoredItem<T>[];
  /** Pass back to get the next page; absent on the last page. */
  readonly cursor?: string;
}

export interface MetadataStore {
  get<T>(kind: string, id: string): Promise<StoredItem<T> | undefined>;
  /** Writes the item; throws ConditionFailedError when `condition` does not hold. */
  put<T>(item: NewItem<T>, condition?: PutCondition): Promise<StoredItem<T>>;
  /** Deletes; with a condition, throws ConditionFailedError when it does not hold. */
  delete(kind: string, id: string, condition?: PutCondition): Promise<void>;
  /** Atomically deletes and returns the live item (single-use values such as OAuth `state`). */
  take<T>(kind: string, id: string): Promise<StoredItem<T> | undefined>;
  /** Live items of a kind, ordered by id. */
  list<T>(kind: string, options?: { limit?: number; cursor?: string }): Promise<Page<T>>;
  /** Live items of a kind whose dueAt <= `dueBy` (epoch ms), earliest first. */
  queryDue<T>(kind: string, dueBy: number, options?: { limit?: number; cursor?: string }): Promise<Page<T>>;
}

export interface Lease {
  readonly name: string;
  readonly owner: string;
  /** Epoch ms. */
  readonly expiresAt: number;
  /** Version of the lease item this holder wrote; renew/release are conditional on it. */
  readonly version: number;
}

/** At most one live holder per name. */
export interface LeaseStore {
  /** The lease, or undefined while another owner holds an unexpired one. */
  acquire(name: string, owner: string, ttlMs: number): Promise<Lease | undefined>;
  /** Extends the lease; throws LeaseLostError when someone else took it meanwhile. */
  renew(lease: Lease, ttlMs: number): Promise<Lease>;
  /** Releases the lease if still held by this holder; otherwise does nothing. */
  release(lease: Lease): Promise<void>;
}
