import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { type AwsClientOptions, clientConfig } from '../../store/aws/clients.ts';
import { createDynamoMetadataStore } from '../../store/aws/dynamodb-metadata-store.ts';
import { createLeaseStore } from '../../store/lease.ts';
import type { LeaseStore, MetadataStore } from '../../store/ports.ts';
import type { Clock } from '../../clock.ts';

export interface AwsTableOptions extends AwsClientOptions {
  readonly tableName: string;
  /** Endpoint override for a loopback peer (dynalite). */
  readonly dynamoEndpoint?: string | undefined;
  readonly clock: Clock;
}

/** The metadata and lease stores on one DynamoDB table, sharing one client (a module of its own: a function may declare the table without secrets). */
export function createAwsTableStores(options: AwsTableOptions): { readonly metadata: MetadataStore; readonly leases: LeaseStore } {
  const client = DynamoDBDocumentClient.from(new DynamoDBClient(clientConfig(options, options.dynamoEndpoint)));
  const metadata = createDynamoMetadataStore({ client, tableName: options.tableName, clock: options.clock });
  return { metadata, leases: createLeaseStore(metadata, options.clock) };
}
