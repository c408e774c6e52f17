import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createLeaseStore } from '../lease.ts';
import type { Clock, LeaseStore, MetadataStore, SecretStore } from '../ports.ts';
import { type AwsClientOptions, clientConfig } from './clients.ts';
import { createDynamoMetadataStore } from './dynamodb-metadata-store.ts';
import { createSecretsManagerStore } from './secrets-manager-store.ts';

export { TABLE_SCHEMA, createTableInput } from './table-schema.ts';
export { createDynamoMetadataStore } from './dynamodb-metadata-store.ts';
export { createSecretsManagerStore } from './secrets-manager-store.ts';

export interface AwsStoresOptions extends AwsClientOptions {
  readonly tableName: string;
  /** Endpoint overrides for loopback peers (dynalite, a fake Secrets Manager). */
  readonly dynamoEndpoint?: string | undefined;
  readonly secretsEndpoint?: string | undefined;
  /** KMS key for new secrets (the stack's customer-managed key); Secrets Manager's default key when unset. */
  readonly secretsKmsKeyId?: string | undefined;
  readonly clock: Clock;
}

export interface AwsStores {
  readonly secrets: SecretStore;
  readonly metadata: MetadataStore;
  readonly leases: LeaseStore;
}

/**
 * The stores on AWS: Secrets Manager for secrets, one DynamoDB table for metadata and leases.
 *
 * @example const { secrets, metadata, leases } = createAwsStores({ region: 'eu-west-1', tableName: 'trustline', clock: systemClock });
 */
export function createAwsStores(options: AwsStoresOptions): AwsStores {
  const secretsClient = new SecretsManagerClient(clientConfig(options, options.secretsEndpoint));
  const dynamo = DynamoDBDocumentClient.from(new DynamoDBClient(clientConfig(options, options.dynamoEndpoint)));
  const metadata = createDynamoMetadataStore({ client: dynamo, tableName: options.tableName, clock: options.clock });
  return { secrets: createSecretsManagerStore(secretsClient, { kmsKeyId: options.secretsKmsKeyId }), metadata, leases: createLeaseStore(metadata, options.clock) };
}
