import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { OAuthServices } from '../../lib/oauth/deps.ts';
import { refreshIntegration } from '../../lib/oauth/refresh.ts';
import { refreshLeaseName } from '../../lib/oauth/refresh-lease.ts';
import { runScheduledRefresh } from '../../lib/oauth/refresh-run.ts';
import { DEFAULT_STORE_RETRY, type StoreRetryOptions } from '../../lib/oauth/store-retry.ts';
import { integrationSecretName } from '../../lib/oauth/token-store.ts';
import { createAwsStores } from '../../lib/runtime/aws/stores.ts';
import { StoreThrottledError } from '../../lib/store/errors.ts';
import type { ItemWrite, SecretStore } from '../../lib/store/ports.ts';
import { fakeCredentials, testRegion } from '../support/aws-test-credentials.ts';
import { type FakeSecretsManager, startFakeSecretsManager } from '../support/fake-secrets-manager.ts';
import { FaultAccount } from './support/account.ts';
import { type RefreshWorld, startRefreshWorld } from './support/world.ts';

const account = new FaultAccount();
const quickRetry: StoreRetryOptions = { ...DEFAULT_STORE_RETRY, baseDelayMs: 5, maxDelayMs: 20 };
afterAll(() => {
  account.print('Fault-injection account: store faults');
});

/** A secret store whose writes of the integration's secret (the refresh's token write) throw StoreThrottledError `failures` times, then work. */
function throttledTokenWrites(
  secrets: SecretStore,
  integrationId: string,
  failures: number,
  onFailure: () => Promise<void> = () => Promise.resolve(),
): SecretStore {
  let left = failures;
  const fault = async (name: string): Promise<void> => {
    if (name === integrationSecretName(integrationId) && left > 0) {
      left--;
      await onFailure();
      throw new StoreThrottledError('PutSecretValue');
    }
  };
  const { putWithItem } = secrets;
  return {
    ...secrets,
    put: async (name, value) => {
      await fault(name);
      return secrets.put(name, value);
    },
    // The local stores write the tokens with the outcome in one commit: that write fails alike.
    ...(putWithItem === undefined
      ? {}
      : {
          putWithItem: async <T>(name: string, value: string, write: ItemWrite<T>) => {
            await fault(name);
            return putWithItem(name, value, write);
          },
        }),
  };
}

describe('store faults after the provider rotated the refresh token', () => {
  let world: RefreshWorld;
  beforeEach(async () => {
    world = await startRefreshWorld();
  });
  afterEach(() => world.close());

  it('retries a throttled token write within the lease, renewing it, and keeps the rotated token', async () => {
    const [s] = await world.seed(1);
    const intruderGot: unknown[] = [];
    const secrets = throttledTokenWrites(world.deps.secrets, s!.id, 3, async () => {
      intruderGot.push(await world.deps.leases.acquire(refreshLeaseName(s!.id), 'intruder', 30_000));
    });
    world.stores.counts.reset();

    const result = await refreshIntegration({ ...world.deps, secrets }, s!.id, { whenDue: true, storeRetry: quickRetry });

    expect(result.refreshed).toBe(true);
    expect(intruderGot).toEqual([undefined, undefined, undefined]);
    // Acquire, one renewal before each of the 3 retries, release.
    expect(world.stores.counts.leaseWrites).toBe(1 + 3 + 1);
    expect((await world.tokens(s!.id)).refreshToken).toBe(result.tokens.refreshToken);
    expect(await world.grantUsable(s!.id)).toBe(true);
    account.add({
      scenario: 'token write throttled 3 times',
      failureClass: 'none (retried)',
      statusAfter: (await world.integration(s!.id)).status,
      grantSurvives: true,
    });
  });

  it('a store outage outlasting the retries loses the rotated token; the next refresh says so loudly', async () => {
    const [s] = await world.seed(1);
    const secrets = throttledTokenWrites(world.deps.secrets, s!.id, Infinity);
    await expect(refreshIntegration({ ...world.deps, secrets }, s!.id, { whenDue: true, storeRetry: { ...quickRetry, attempts: 3 } })).rejects.toBeInstanceOf(
      StoreThrottledError,
    );
    expect(await world.integration(s!.id)).toMatchObject({ status: 'authorized', lastError: { code: 'STORE_THROTTLED' } });

    world.services.clock.advance(6 * 60_000);
    expect((await runScheduledRefresh(world.deps, { budgetMs: 60_000 })).failed).toEqual({ reauthorize: 1 });
    expect(await world.integration(s!.id)).toMatchObject({ status: 'needs-reauthorization' });
    expect(world.services.published.map((alert) => alert.severity)).toEqual(['critical']);
    expect(world.provider.stats.revokedGrants.has(s!.grantId)).toBe(true);
    account.add({
      scenario: 'token write fails past every retry',
      failureClass: 'store, then reauthorize',
      statusAfter: 'needs-reauthorization',
      grantSurvives: false,
    });
  });
});

describe('Secrets Manager throttling (real adapter and SDK against a loopback peer)', () => {
  let world: RefreshWorld;
  let fake: FakeSecretsManager;
  beforeEach(async () => {
    world = await startRefreshWorld();
    fake = await startFakeSecretsManager();
  });
  afterEach(async () => {
    await fake.close();
    await world.close();
  });

  it('keeps the rotated token when PutSecretValue is throttled past the SDK retries', async () => {
    const [s] = await world.seed(1);
    const secrets = createAwsStores({
      region: testRegion,
      credentials: fakeCredentials,
      tableName: 'unused',
      secretsEndpoint: fake.endpoint,
      clock: world.services.clock,
      maxAttempts: 2,
      retryBackoff: () => 1,
    }).secrets;
    const name = integrationSecretName(s!.id);
    await secrets.put(name, (await world.services.secrets.get(name))?.value ?? '');
    fake.requests.length = 0;
    const deps: OAuthServices = { ...world.deps, secrets };
    // When the token request arrives the reads are done: throttle the write (2 SDK attempts each).
    world.provider.fault = () => {
      fake.throttleNext(5);
      return undefined;
    };

    const result = await refreshIntegration(deps, s!.id, { whenDue: true, storeRetry: quickRetry });

    const writes = fake.requests.filter((r) => r.operation === 'PutSecretValue' && r.body.SecretId === name);
    // Five throttled attempts (SDK retries and the store retry around them), then the one stored.
    expect(writes).toHaveLength(5 + 1);
    // One GetSecretValue (client secret and refresh token together) and one stored result.
    expect(fake.requests.filter((r) => r.operation === 'GetSecretValue').map((r) => r.body.SecretId)).toEqual([name]);
    expect(JSON.parse((await secrets.get(name))?.value ?? '{}')).toMatchObject({
      clientSecret: world.provider.clientSecret,
      tokens: { refreshToken: result.tokens.refreshToken },
    });
    expect(await world.provider.refreshTokenUsable(result.tokens.refreshToken)).toBe(true);
    account.add({
      scenario: 'Secrets Manager ThrottlingException x5',
      failureClass: 'none (retried)',
      statusAfter: (await world.integration(s!.id)).status,
      grantSurvives: true,
    });
  });
});
