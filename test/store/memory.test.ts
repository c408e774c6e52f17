import { describe } from 'vitest';
import { createLeaseStore } from '../../lib/store/lease.ts';
import { memoryMetadata } from '../support/tls/memory-metadata.ts';
import { leaseStoreContract, metadataStoreContract } from './contract.ts';

// The in-memory MetadataStore stands in for the real adapters in many tests: it must keep the same contract.
describe('in-memory MetadataStore (test double)', () => {
  metadataStoreContract((clock) => memoryMetadata(clock));
});

describe('LeaseStore over the in-memory MetadataStore (test double)', () => {
  leaseStoreContract((clock) => createLeaseStore(memoryMetadata(clock), clock));
});
