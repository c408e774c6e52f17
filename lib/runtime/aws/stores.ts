import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { type AwsClientOptions, clientConfig } from '../../store/aws/clients.ts';
import { createDynamoMetadataStore } from '../../store/aws/dynamodb-metadata-store.ts';
import { createSecretsManagerStore } from '../../store/aws/secrets-manager-store.ts';
import { createLeaseStore } from '../../store/lease.ts';
import type { Clock, LeaseStore, MetadataStore, SecretStore } from '../../store/ports.ts';

export interface AwsSecretsOptions extends AwsClientOptions {
  /** Endpoint override for a loopback peer (a fake Secrets Manager). */
  readonly secretsEndpoint?: string | undefined;
  /** KMS key for new secrets (the stack's customer-managed key); Secrets Manager's default key when unset. */
  readonly secretsKmsKeyId?: string | undefined;
}

export interface AwsTableOptions extends AwsClientOptions {
  readonly tableName: string;
  /** Endpoint override for a loopback peer (dynalite). */
  readonly dynamoEndpoint?: string | undefined;
  readonly clock: Clock;
}

/** The SecretStore on Secrets Manager, with its own client. */
export function createAwsSecretStore(options: AwsSecretsOptions): SecretStore {
  const client = new SecretsManagerClient(clientConfig(options, options.secretsEndpoint));
  return createSecretsManagerStore(client, { kmsKeyId: options.secretsKmsKeyId });
}

/** The metadata and lease stores on one DynamoDB table, sharing one client. */
export function createAwsTableStores(options: AwsTableOptions): { readonly metadata: MetadataStore; readonly leases: LeaseStore } {
  const client = DynamoDBDocumentClient.from(new DynamoDBClient(clientConfig(options, options.dynamoEndpoint)));
  const metadata = createDynamoMetadataStore({ client, tableName: options.tableName, clock: options.clock });
  return { metadata, leases: createLeaseStore(metadata, options.clock) };
}

/**
 * Every store on AWS: Secrets Manager for secrets, one DynamoDB table for metadata and leases.
 *
 * @example const { secrets, metadata, leases } = createAwsStores({ region: 'eu-west-1', tableName: 'trustline', clock: systemClock });
 */
export function createAwsStores(options: AwsSecretsOptions & AwsTableOptions): { readonly secrets: SecretStore; readonly metadata: MetadataStore; readonly leases: LeaseStore } {
  return { secrets: createAwsSecretStore(options), ...createAwsTableStores(options) };
}
