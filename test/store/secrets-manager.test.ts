import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAwsStores } from '../../lib/runtime/aws/stores.ts';
import { StoreThrottledError } from '../../lib/store/errors.ts';
import type { SecretStore } from '../../lib/store/ports.ts';
import { fakeCredentials, testRegion } from '../support/aws-test-credentials.ts';
import { type FakeSecretsManager, startFakeSecretsManager } from '../support/fake-secrets-manager.ts';
import { ManualClock } from '../support/manual-clock.ts';
import { secretStoreContract } from './contract.ts';

let fake: FakeSecretsManager;
beforeAll(async () => {
  fake = await startFakeSecretsManager();
});
afterAll(async () => {
  await fake.close();
});

const secretStore = (maxAttempts = 3): SecretStore =>
  createAwsStores({
    region: testRegion,
    credentials: fakeCredentials,
    tableName: 'unused',
    secretsEndpoint: fake.endpoint,
    clock: new ManualClock(),
    maxAttempts,
    retryBackoff: () => 1,
  }).secrets;

/** The operations the fake received while `run` ran. */
async function operationsDuring(run: () => Promise<unknown>): Promise<string[]> {
  const start = fake.requests.length;
  await run();
  return fake.requests.slice(start).map((request) => request.operation);
}

describe('Secrets Manager SecretStore (loopback AWS JSON 1.1 peer)', () => {
  secretStoreContract(() => secretStore());
});

describe('Secrets Manager calls', () => {
  it('reads the current and previous versions by stage AWSCURRENT and AWSPREVIOUS', async () => {
    const secrets = secretStore();
    await secrets.put('trustline/stages', 'v1');
    const start = fake.requests.length;
    await secrets.get('trustline/stages');
    await secrets.get('trustline/stages', { stage: 'previous' });
    expect(fake.requests.slice(start).map((r) => r.body.VersionStage)).toEqual(['AWSCURRENT', 'AWSPREVIOUS']);
  });

  it('creates a new secret after PutSecretValue finds none, and adds versions with PutSecretValue after that', async () => {
    const secrets = secretStore();
    expect(await operationsDuring(() => secrets.put('trustline/new', 'v1'))).toEqual(['PutSecretValue', 'CreateSecret']);
    expect(await operationsDuring(() => secrets.put('trustline/new', 'v2'))).toEqual(['PutSecretValue']);
  });

  it('encrypts new secrets with the configured KMS key', async () => {
    const kmsKeyId = 'arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab';
    const secrets = createAwsStores({
      region: testRegion,
      credentials: fakeCredentials,
      tableName: 'unused',
      secretsEndpoint: fake.endpoint,
      secretsKmsKeyId: kmsKeyId,
      clock: new ManualClock(),
    }).secrets;
    const start = fake.requests.length;
    await secrets.put('trustline/kms', 'v1');
    expect(fake.requests.slice(start).find((r) => r.operation === 'CreateSecret')?.body.KmsKeyId).toBe(kmsKeyId);
  });

  it('falls back to PutSecretValue when another writer wins the create race', async () => {
    const secrets = secretStore();
    fake.loseNextCreateRace('written-by-the-other-process');
    const operations = await operationsDuring(() => secrets.put('trustline/race', 'ours'));
    expect(operations).toEqual(['PutSecretValue', 'CreateSecret', 'PutSecretValue']);
    expect((await secrets.get('trustline/race'))?.value).toBe('ours');
    expect((await secrets.get('trustline/race', { stage: 'previous' }))?.value).toBe('written-by-the-other-process');
  });

  it('deletes without a recovery window', async () => {
    const secrets = secretStore();
    await secrets.put('trustline/gone', 'v');
    const start = fake.requests.length;
    await secrets.delete('trustline/gone');
    expect(fake.requests.slice(start)).toEqual([{ operation: 'DeleteSecret', body: { SecretId: 'trustline/gone', ForceDeleteWithoutRecovery: true } }]);
  });

  it('retries throttled requests and succeeds after 2 throttles', async () => {
    const secrets = secretStore(3);
    await secrets.put('trustline/throttled', 'value');
    fake.throttleNext(2);
    const operations = await operationsDuring(async () => {
      expect((await secrets.get('trustline/throttled'))?.value).toBe('value');
    });
    expect(operations).toEqual(['GetSecretValue', 'GetSecretValue', 'GetSecretValue']);
  });

  it('surfaces throttling that outlasts every retry as StoreThrottledError with the SDK error as cause', async () => {
    const secrets = secretStore(3);
    fake.throttleNext(3);
    let error: unknown;
    const operations = await operationsDuring(async () => {
      error = await secrets.put('trustline/throttled', 'value').catch((e: unknown) => e);
    });
    expect(error).toBeInstanceOf(StoreThrottledError);
    expect(error).toMatchObject({ code: 'STORE_THROTTLED', cause: { name: 'ThrottlingException' } });
    expect(operations).toEqual(['PutSecretValue', 'PutSecretValue', 'PutSecretValue']);
  });

  it('keeps secret values out of error messages', async () => {
    const secrets = secretStore(1);
    fake.throttleNext(1);
    const error = (await secrets.put('trustline/quiet', 'super-secret-client-value').catch((e: unknown) => e)) as Error;
    expect(error).toBeInstanceOf(StoreThrottledError);
    expect(`${error.message} ${(error.cause as Error).message}`).not.toContain('super-secret-client-value');
  });
});
