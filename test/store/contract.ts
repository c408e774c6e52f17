/**
 * The one contract every storage adapter passes. Test files call these inside a `describe`
 * with a factory for their adapter; each test works on its own kinds and names.
 */
export { secretStoreContract } from './contract/secret-store.ts';
export { metadataStoreContract } from './contract/metadata-store.ts';
export { leaseStoreContract } from './contract/lease-store.ts';
export type { Factory } from './contract/support.ts';
