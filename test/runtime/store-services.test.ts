import { chmod, mkdir, mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createAwsServices } from '../../lib/runtime/aws/services.ts';
import { loadConfig } from '../../lib/runtime/config.ts';
import { createLocalServices } from '../../lib/runtime/local-services.ts';
import { fakeCredentials, testRegion } from '../support/aws-test-credentials.ts';
import { type DynaliteTable, startDynalite } from '../support/dynalite.ts';
import { type FakeSecretsManager, startFakeSecretsManager } from '../support/fake-secrets-manager.ts';
import { ManualClock } from '../support/manual-clock.ts';

describe('createLocalServices', () => {
  let root: string;
  beforeAll(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'trustline-services-'));
  });
  afterAll(() => rm(root, { recursive: true, force: true }));

  it('wires the embedded stores of the configured data directory into every port', async () => {
    const config = loadConfig({ TRUSTLINE_DATA_DIR: path.join(root, 'data') });
    const services = await createLocalServices(config, new ManualClock());
    await services.secrets.put('trustline/check', 'value-123');
    expect((await (await createLocalServices(config, new ManualClock())).secrets.get('trustline/check'))?.value).toBe('value-123');
    expect(await services.leases.acquire('job', 'me', 1_000)).toMatchObject({ owner: 'me' });
    expect(await services.trustStore.list()).toEqual([]);
  });

  it('checks the data directory as it starts, making one that others could read private again', async () => {
    const dataDir = path.join(root, 'open-to-others');
    await mkdir(dataDir, { mode: 0o755 });
    await chmod(dataDir, 0o755);
    await createLocalServices(loadConfig({ TRUSTLINE_DATA_DIR: dataDir }), new ManualClock());
    expect((await stat(dataDir)).mode & 0o777).toBe(0o700);
    expect((await stat(path.join(dataDir, 'secret.key'))).mode & 0o777).toBe(0o600);
  });
});

describe('createAwsServices', () => {
  let table: DynaliteTable;
  let secretsManager: FakeSecretsManager;
  beforeAll(async () => {
    [table, secretsManager] = await Promise.all([startDynalite(), startFakeSecretsManager()]);
    vi.stubEnv('AWS_ACCESS_KEY_ID', fakeCredentials.accessKeyId);
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', fakeCredentials.secretAccessKey);
  });
  afterAll(async () => {
    vi.unstubAllEnvs();
    await Promise.all([table.close(), secretsManager.close()]);
  });

  const awsConfig = () =>
    loadConfig({
      TRUSTLINE_BACKEND: 'aws',
      AWS_REGION: testRegion,
      TRUSTLINE_TABLE: table.tableName,
      TRUSTLINE_DYNAMODB_ENDPOINT: table.endpoint,
      TRUSTLINE_SECRETS_ENDPOINT: secretsManager.endpoint,
    });

  it('wires Secrets Manager and the DynamoDB table named by the configuration', async () => {
    const services = await createAwsServices(awsConfig(), new ManualClock());
    await services.secrets.put('trustline/check', 'value-456');
    expect((await services.secrets.get('trustline/check'))?.value).toBe('value-456');
    expect(await services.leases.acquire('job', 'me', 1_000)).toMatchObject({ owner: 'me' });
    expect(await services.trustStore.list()).toEqual([]);
  });

  it('builds only the ports the manifest access declares and refuses the others by name', async () => {
    const services = await createAwsServices(awsConfig(), new ManualClock(), { secrets: { prefix: 'connect/', write: false } });
    await services.secrets.put('trustline/connect/declared', 'value-789');
    expect((await services.secrets.get('trustline/connect/declared'))?.value).toBe('value-789');
    await expect(services.metadata.get('trust', 'x')).rejects.toMatchObject({
      code: 'UNDECLARED_ACCESS',
      fix: "Add `table` to the function's access in functions/manifest.ts.",
    });
    await expect(services.trustStore.list()).rejects.toMatchObject({ code: 'UNDECLARED_ACCESS' });
    await expect(services.trust.fetch('https://example.com/')).rejects.toMatchObject({
      code: 'UNDECLARED_ACCESS',
      message: 'This function used outbound connections (fetch), which its manifest entry does not declare.',
    });
    await expect(services.leases.acquire('job', 'me', 1_000)).rejects.toMatchObject({ code: 'UNDECLARED_ACCESS' });
    await expect(services.alerts.publish({ key: 'k', severity: 'info', subject: 's', message: 'm' })).rejects.toMatchObject({ code: 'UNDECLARED_ACCESS' });
  });

  it('gives a function declaring alerts the log sink when no topic is configured', async () => {
    const services = await createAwsServices(awsConfig(), new ManualClock(), { table: { trust: 'read' }, alerts: true });
    await expect(services.alerts.publish({ key: 'k', severity: 'info', subject: 's', message: 'm' })).resolves.toBeUndefined();
    expect(services.refreshQueue).toBeUndefined();
    expect(await services.trustStore.list()).toEqual([]);
  });

  it('gives a function declaring outbound calls a trust context that works when first used: the policy, the anchors, the fetch', async () => {
    const services = await createAwsServices(awsConfig(), new ManualClock(), { table: { trust: 'read' }, outbound: true });
    expect(services.trust.outbound.refusal('169.254.169.254', 80, 'service')).toEqual(expect.any(String));
    expect(services.trust.outbound.refusal('93.184.215.14', 443, 'service')).toBeUndefined();
    expect((await services.trust.ca()).length).toBeGreaterThan(0);
    await expect(services.trust.fetch('http://169.254.169.254/latest/meta-data/')).rejects.toMatchObject({ cause: { code: 'OUTBOUND_REFUSED' } });
  });

  it('builds the lease store only for a function that declares leases readwrite', async () => {
    const services = await createAwsServices(awsConfig(), new ManualClock(), { table: { trust: 'read', leases: 'read' } });
    await expect(services.leases.acquire('job', 'me', 1_000)).rejects.toMatchObject({
      code: 'UNDECLARED_ACCESS',
      fix: "Add `table: { leases: 'readwrite' }` to the function's access in functions/manifest.ts.",
    });
  });
});
