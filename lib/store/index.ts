/**
 * Storage: the ports, their errors and the LeaseStore built on any MetadataStore. Adapters are
 * separate doors so a bundle carries only its own: `./local/index.ts` (the embedded LMDB database) and
 * `./aws/index.ts` (Secrets Manager + DynamoDB).
 */
export type { ItemWrite, Lease, LeaseStore, MetadataStore, NewItem, Page, PutCondition, SecretStore, SecretVersion, StoredItem } from './ports.ts';
export type { ItemSet } from './item-set.ts';
export {
  ConditionFailedError,
  DataDirectoryOwnerError,
  InvalidPageRequestError,
  InvalidSecretNameError,
  LeaseLostError,
  StoreCorruptedError,
  StoreError,
  StoreThrottledError,
} from './errors.ts';
export { createLeaseStore, LEASE_ITEMS, LEASE_KIND } from './lease.ts';
export { assertSecretName } from './secret-name.ts';
export { listAll } from './list-all.ts';
