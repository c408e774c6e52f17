import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAwsStores } from '../../lib/runtime/aws/stores.ts';
import { StoreThrottledError } from '../../lib/store/errors.ts';
import type { Clock } from '../../lib/clock.ts';
import { fakeCredentials, testRegion } from '../support/aws-test-credentials.ts';
import { type DynaliteTable, startDynalite } from '../support/dynalite.ts';
import { ManualClock } from '../support/manual-clock.ts';
import { startThrottlingProxy, type ThrottlingProxy } from '../support/throttling-proxy.ts';
import { leaseStoreContract, metadataStoreContract } from './contract.ts';

let table: DynaliteTable;
beforeAll(async () => {
  table = await startDynalite();
});
afterAll(async () => {
  await table.close();
});

const stores = (clock: Clock, endpoint = table.endpoint, retry: { maxAttempts?: number } = {}) =>
  createAwsStores({
    region: testRegion,
    credentials: fakeCredentials,
    tableName: table.tableName,
    dynamoEndpoint: endpoint,
    clock,
    retryBackoff: () => 1,
    ...retry,
  });

describe('DynamoDB MetadataStore (dynalite)', () => {
  metadataStoreContract((clock) => stores(clock).metadata);
});

describe('DynamoDB LeaseStore (dynalite)', () => {
  leaseStoreContract((clock) => stores(clock).leases);
});

describe('DynamoDB table layout', () => {
  it('stores kind/id as pk/sk, data as JSON, dueKind only with dueAt, and ttl in epoch seconds', async () => {
    const clock = new ManualClock(1_700_000_000_123);
    await stores(clock).metadata.put({ kind: 'endpoint', id: 'e1', data: { host: 'example.com' }, dueAt: 1_700_000_060_000, expiresAt: 1_700_000_000_500 });
    const { Item } = await table.client.send(new GetItemCommand({ TableName: table.tableName, Key: { pk: { S: 'endpoint' }, sk: { S: 'e1' } } }));
    expect(Item).toEqual({
      pk: { S: 'endpoint' },
      sk: { S: 'e1' },
      data: { S: '{"host":"example.com"}' },
      version: { N: '1' },
      dueAt: { N: '1700000060000' },
      dueKind: { S: 'endpoint' },
      expiresAt: { N: '1700000000500' },
      ttl: { N: '1700000001' },
    });
  });

  it('removes dueKind and ttl when a put drops dueAt and expiresAt', async () => {
    const clock = new ManualClock();
    const { metadata } = stores(clock);
    await metadata.put({ kind: 'endpoint', id: 'e2', data: 1, dueAt: clock.now(), expiresAt: clock.now() + 60_000 });
    await metadata.put({ kind: 'endpoint', id: 'e2', data: 2 });
    const { Item } = await table.client.send(new GetItemCommand({ TableName: table.tableName, Key: { pk: { S: 'endpoint' }, sk: { S: 'e2' } } }));
    expect(Object.keys(Item ?? {}).sort()).toEqual(['data', 'pk', 'sk', 'version']);
  });
});

describe('DynamoDB throttling', () => {
  let proxy: ThrottlingProxy;
  beforeAll(async () => {
    proxy = await startThrottlingProxy(table.endpoint);
  });
  afterAll(async () => {
    await proxy.close();
  });

  it('retries throttled requests and succeeds after 2 throttles', async () => {
    const { metadata } = stores(new ManualClock(), proxy.endpoint, { maxAttempts: 3 });
    const before = proxy.requestCount();
    proxy.throttleNext(2);
    await expect(metadata.put({ kind: 'throttle', id: 'ok', data: 1 })).resolves.toMatchObject({ version: 1 });
    expect(proxy.requestCount() - before).toBe(3);
  });

  it('surfaces throttling that outlasts every retry as StoreThrottledError with the SDK error as cause', async () => {
    const { metadata } = stores(new ManualClock(), proxy.endpoint, { maxAttempts: 3 });
    const before = proxy.requestCount();
    proxy.throttleNext(3);
    const error: unknown = await metadata.get('throttle', 'x').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StoreThrottledError);
    expect((error as StoreThrottledError).cause).toMatchObject({ name: 'ProvisionedThroughputExceededException' });
    expect(proxy.requestCount() - before).toBe(3);
  });
});
