import { DeleteCommand, type DynamoDBDocumentClient, GetCommand, QueryCommand, type QueryCommandInput, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod/mini';
import { ConditionFailedError, StoreError } from '../errors.ts';
import { isLive } from '../expiry.ts';
import { checkLimit, decodeCursor, pageOf } from '../paging.ts';
import type { MetadataStore, Page, PutCondition, StoredItem } from '../ports.ts';
import type { Clock } from '../../clock.ts';
import { storedItem } from '../stored-item.ts';
import { Expressions } from './dynamodb-expressions.ts';
import { isServiceError, storeFailure } from './sdk-errors.ts';
import { TABLE_SCHEMA } from './table-schema.ts';

const SERVICE = 'DynamoDB';
const { partitionKey: PK, sortKey: SK, dueIndex } = TABLE_SCHEMA;

const tableItem = z.object({
  [PK]: z.string(),
  [SK]: z.string(),
  data: z.string(),
  version: z.number(),
  dueAt: z.optional(z.number()),
  expiresAt: z.optional(z.number()),
});

const listCursor = z.object({ id: z.string() });
const dueCursor = z.object({ dueAt: z.number(), id: z.string() });

export interface DynamoMetadataStoreOptions {
  readonly client: DynamoDBDocumentClient;
  readonly tableName: string;
  readonly clock: Clock;
}

/**
 * MetadataStore on one DynamoDB table (schema in table-schema.ts): conditional writes for
 * optimistic versions, reads filtered on `expiresAt` because TTL deletion lags, the sparse `due`
 * index for queryDue. Pages are exact: a cursor is returned only when another item follows.
 */
export function createDynamoMetadataStore(options: DynamoMetadataStoreOptions): MetadataStore {
  const { client, tableName, clock } = options;

  const call = async <R>(operation: string, run: () => Promise<R>, onConditionFailed?: (error: unknown) => never): Promise<R> => {
    try {
      return await run();
    } catch (error) {
      if (onConditionFailed && isServiceError(error, 'ConditionalCheckFailedException')) onConditionFailed(error);
      throw storeFailure(SERVICE, operation, error);
    }
  };

  const conditionFailed = (kind: string, id: string, condition: PutCondition | undefined) => (error: unknown) => {
    throw new ConditionFailedError(kind, id, condition?.expectedVersion ?? 'absent', { cause: error });
  };

  /** Queries until `limit + 1` live items are found (so the page knows if more follow) or the results end. */
  const collect = async <T>(operation: string, input: QueryCommandInput, limit: number | undefined): Promise<StoredItem<T>[]> => {
    const items: StoredItem<T>[] = [];
    let startKey = input.ExclusiveStartKey;
    do {
      const output = await call(operation, () =>
        client.send(
          new QueryCommand({
            ...input,
            ExclusiveStartKey: startKey,
            ...(limit === undefined ? {} : { Limit: limit + 1 - items.length }),
          }),
        ),
      );
      for (const raw of output.Items ?? []) items.push(fromTable<T>(raw, tableName));
      startKey = output.LastEvaluatedKey;
    } while (startKey !== undefined && (limit === undefined || items.length <= limit));
    return items;
  };

  return {
    async get<T>(kind: string, id: string) {
      const output = await call('GetItem', () => client.send(new GetCommand({ TableName: tableName, Key: key(kind, id), ConsistentRead: true })));
      if (output.Item === undefined) return undefined;
      const item = fromTable<T>(output.Item, tableName);
      return isLive(item.expiresAt, clock.now()) ? item : undefined;
    },

    async put(item, condition) {
      const expressions = new Expressions();
      const update = expressions.put(item);
      const conditionExpression = condition && expressions.condition(condition, clock.now());
      const output = await call(
        'UpdateItem',
        () =>
          client.send(
            new UpdateCommand({
              TableName: tableName,
              Key: key(item.kind, item.id),
              UpdateExpression: update,
              ...(conditionExpression === undefined ? {} : { ConditionExpression: conditionExpression }),
              ...expressions.attributes(),
              ReturnValues: 'UPDATED_NEW',
            }),
          ),
        conditionFailed(item.kind, item.id, condition),
      );
      const version = z.number().safeParse(output.Attributes?.version);
      if (!version.success) throw new StoreError(`${SERVICE} returned no version for ${item.kind} "${item.id}".`);
      return storedItem(item, version.data);
    },

    async delete(kind, id, condition) {
      const expressions = new Expressions();
      const conditionExpression = condition && expressions.condition(condition, clock.now());
      await call(
        'DeleteItem',
        () =>
          client.send(
            new DeleteCommand({
              TableName: tableName,
              Key: key(kind, id),
              ...(conditionExpression === undefined ? {} : { ConditionExpression: conditionExpression }),
              ...expressions.attributes(),
            }),
          ),
        conditionFailed(kind, id, condition),
      );
    },

    async take<T>(kind: string, id: string) {
      const output = await call('DeleteItem', () => client.send(new DeleteCommand({ TableName: tableName, Key: key(kind, id), ReturnValues: 'ALL_OLD' })));
      if (output.Attributes === undefined) return undefined;
      const item = fromTable<T>(output.Attributes, tableName);
      return isLive(item.expiresAt, clock.now()) ? item : undefined;
    },

    async list<T>(kind: string, options: { limit?: number; cursor?: string } = {}): Promise<Page<T>> {
      checkLimit(options.limit);
      const after = options.cursor === undefined ? undefined : decodeCursor(options.cursor, listCursor);
      const expressions = new Expressions();
      const keyCondition = `${expressions.name(PK)} = ${expressions.value(kind)}`;
      const filter = expressions.live(clock.now());
      const items = await collect<T>(
        'Query',
        {
          TableName: tableName,
          KeyConditionExpression: keyCondition,
          FilterExpression: filter,
          ConsistentRead: true,
          ExclusiveStartKey: after && key(kind, after.id),
          ...expressions.attributes(),
        },
        options.limit,
      );
      return pageOf(items, options.limit, (last) => ({ id: last.id }));
    },

    async queryDue<T>(kind: string, dueBy: number, options: { limit?: number; cursor?: string } = {}): Promise<Page<T>> {
      checkLimit(options.limit);
      const after = options.cursor === undefined ? undefined : decodeCursor(options.cursor, dueCursor);
      const expressions = new Expressions();
      const keyCondition =
        `${expressions.name(dueIndex.partitionKey)} = ${expressions.value(kind)} AND ` + `${expressions.name(dueIndex.sortKey)} <= ${expressions.value(dueBy)}`;
      const filter = expressions.live(clock.now());
      const items = await collect<T>(
        'Query',
        {
          TableName: tableName,
          IndexName: dueIndex.name,
          KeyConditionExpression: keyCondition,
          FilterExpression: filter,
          ExclusiveStartKey: after && {
            ...key(kind, after.id),
            [dueIndex.partitionKey]: kind,
            [dueIndex.sortKey]: after.dueAt,
          },
          ...expressions.attributes(),
        },
        options.limit,
      );
      return pageOf(items, options.limit, (last) => ({ dueAt: last.dueAt, id: last.id }));
    },
  };
}

function key(kind: string, id: string): Record<string, string> {
  return { [PK]: kind, [SK]: id };
}

function fromTable<T>(raw: Record<string, unknown>, tableName: string): StoredItem<T> {
  try {
    const row = tableItem.parse(raw);
    const data = JSON.parse(row.data) as T;
    return storedItem({ kind: row[PK], id: row[SK], data, dueAt: row.dueAt, expiresAt: row.expiresAt }, row.version);
  } catch (error) {
    throw new StoreError(`An item in the DynamoDB table ${tableName} is not in Trustline's format; was it written by something else?`, {
      cause: error,
    });
  }
}
