import type { AddressInfo } from 'node:net';
import { CreateTableCommand, type CreateTableCommandInput, DynamoDBClient, waitUntilTableExists } from '@aws-sdk/client-dynamodb';
import dynalite from 'dynalite';
import { createTableInput } from '../../lib/store/aws/table-schema.ts';
import { fakeCredentials, testRegion } from './aws-test-credentials.ts';
import { closeServer } from './close-server.ts';

/** A running dynalite on 127.0.0.1 with Trustline's table created. */
export interface DynaliteTable {
  readonly endpoint: string;
  readonly tableName: string;
  /** A raw client on the same endpoint, for assertions on stored attributes. */
  readonly client: DynamoDBClient;
  close(): Promise<void>;
}

/** Starts dynalite and creates the table with the production schema (keys, `due` index), or with `input` (aws-local: the template's table). */
export async function startDynalite(tableName = 'trustline-test', input: CreateTableCommandInput = createTableInput(tableName)): Promise<DynaliteTable> {
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const client = new DynamoDBClient({ endpoint, region: testRegion, credentials: fakeCredentials });
  await client.send(new CreateTableCommand({ ...input, TableName: tableName }));
  await waitUntilTableExists({ client, maxWaitTime: 10, minDelay: 1, maxDelay: 1 }, { TableName: tableName });
  return {
    endpoint,
    tableName,
    client,
    close: async () => {
      client.destroy();
      await closeServer(server);
    },
  };
}
