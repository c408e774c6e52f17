import type { LeaseStore, MetadataStore, SecretStore } from '../../store/ports.ts';
import { type AwsSecretsOptions, createAwsSecretStore } from './secret-store.ts';
import { type AwsTableOptions, createAwsTableStores } from './table-stores.ts';

export { type AwsSecretsOptions, createAwsSecretStore } from './secret-store.ts';
export { type AwsTableOptions, createAwsTableStores } from './table-stores.ts';

/**
 * Every store on AWS: Secrets Manager for secrets, one DynamoDB table for metadata and leases.
 *
 * @example const { secrets, metadata, leases } = createAwsStores({ region: 'eu-west-1', tableName: 'trustline', clock: systemClock });
 */
export function createAwsStores(options: AwsSecretsOptions & AwsTableOptions): {
  readonly secrets: SecretStore;
  readonly metadata: MetadataStore;
  readonly leases: LeaseStore;
} {
  return { secrets: createAwsSecretStore(options), ...createAwsTableStores(options) };
}
