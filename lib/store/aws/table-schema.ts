import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';

/**
 * The one DynamoDB table behind the MetadataStore (the CDK stack creates the same table):
 *
 * | attribute   | type | meaning                                                               |
 * | ----------- | ---- | --------------------------------------------------------------------- |
 * | `pk`        | S    | partition key: the item's kind                                        |
 * | `sk`        | S    | sort key: the item's id                                               |
 * | `data`      | S    | the item's data as JSON                                               |
 * | `version`   | N    | optimistic version, +1 on every put                                   |
 * | `dueAt`     | N    | epoch ms, only on items found by queryDue                             |
 * | `dueKind`   | S    | copy of `pk`, written only with `dueAt` (keeps the `due` index sparse) |
 * | `expiresAt` | N    | epoch ms; the adapters treat the item as absent from then on          |
 * | `ttl`       | N    | epoch SECONDS, ceil(expiresAt / 1000): the table's TTL attribute      |
 *
 * Global secondary index `due`: partition `dueKind` (S), sort `dueAt` (N), projection ALL.
 * Billing on demand; TTL enabled on `ttl` (DynamoDB deletes expired items within days,
 * which is why reads also filter on `expiresAt`).
 */
export const TABLE_SCHEMA = {
  partitionKey: 'pk',
  sortKey: 'sk',
  ttlAttribute: 'ttl',
  dueIndex: { name: 'due', partitionKey: 'dueKind', sortKey: 'dueAt' },
} as const;

/**
 * The DynamoDB operations dynamodb-metadata-store.ts sends, by what they do: the IAM grants are
 * exactly these (a put is an UpdateItem, `take` a DeleteItem returning the old item). Each names
 * its partition key, so a `dynamodb:LeadingKeys` condition bounds every one of them.
 */
export const TABLE_OPERATIONS = {
  read: ['GetItem', 'Query'],
  write: ['UpdateItem', 'DeleteItem'],
} as const;

/** CreateTable input for the schema above (local tooling and tests; CDK declares the same). */
export function createTableInput(tableName: string): CreateTableCommandInput {
  const { partitionKey, sortKey, dueIndex } = TABLE_SCHEMA;
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [
      { AttributeName: partitionKey, AttributeType: 'S' },
      { AttributeName: sortKey, AttributeType: 'S' },
      { AttributeName: dueIndex.partitionKey, AttributeType: 'S' },
      { AttributeName: dueIndex.sortKey, AttributeType: 'N' },
    ],
    KeySchema: [
      { AttributeName: partitionKey, KeyType: 'HASH' },
      { AttributeName: sortKey, KeyType: 'RANGE' },
    ],
    GlobalSecondaryIndexes: [
      {
        IndexName: dueIndex.name,
        KeySchema: [
          { AttributeName: dueIndex.partitionKey, KeyType: 'HASH' },
          { AttributeName: dueIndex.sortKey, KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'ALL' },
      },
    ],
  };
}
