import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { type AwsClientOptions, clientConfig } from '../../store/aws/clients.ts';
import { createDynamoMetadataStore } from '../../store/aws/dynamodb-metadata-store.ts';
import { createLeaseStore } from '../../store/lease.ts';
import type { LeaseStore, MetadataStore } from '../../store/ports.ts';
import type { Clock } from '../../clock.ts';
import { lambdaSdkSettings } from './sdk-settings.ts';

export interface AwsTableOptions extends AwsClientOptions {
  readonly tableName: string;
  /** Endpoint override for a loopback peer (dynalite). */
  readonly dynamoEndpoint?: string | undefined;
  readonly clock: Clock;
}

/** The metadata and lease stores on one DynamoDB table, sharing one client (a module of its own: a function may declare the table without secrets). */
export function createAwsTableStores(options: AwsTableOptions): { readonly metadata: MetadataStore; readonly leases: LeaseStore } {
  const client = DynamoDBDocumentClient.from(new DynamoDBClient({ ...lambdaDynamoSettings(), ...clientConfig(options, options.dynamoEndpoint) }));
  const metadata = createDynamoMetadataStore({ client, tableName: options.tableName, clock: options.clock });
  return { metadata, leases: createLeaseStore(metadata, options.clock) };
}

/** DynamoDB's default attempts under the SDK's retry behaviour since 2026, as its own client sets them. */
const DYNAMODB_DEFAULT_MAX_ATTEMPTS = 4;

/** The SDK settings on Lambda (sdk-settings.ts says why they are given), with DynamoDB's own. */
function lambdaDynamoSettings() {
  const settings = lambdaSdkSettings(process.env, DYNAMODB_DEFAULT_MAX_ATTEMPTS);
  // The SDK's default mode; AWS_ACCOUNT_ID_ENDPOINT_MODE still chooses another.
  return settings === undefined ? {} : { ...settings, accountIdEndpointMode: process.env.AWS_ACCOUNT_ID_ENDPOINT_MODE ?? 'preferred' };
}
