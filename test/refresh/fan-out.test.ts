import { SQSClient } from '@aws-sdk/client-sqs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { INTEGRATION_KIND } from '../../lib/oauth/integration-store.ts';
import { type RefreshQueue, refreshMessageBody, refreshQueueFor } from '../../lib/oauth/refresh-queue.ts';
import { createSqsRefreshQueue } from '../../lib/oauth/refresh-queue-sqs.ts';
import { runScheduledRefresh } from '../../lib/oauth/refresh-run.ts';
import { consumeRefreshMessages } from '../../lib/oauth/refresh-worker.ts';
import { StoreError } from '../../lib/store/errors.ts';
import { fakeCredentials, testRegion } from '../support/aws-test-credentials.ts';
import { type FakeSqs, startFakeSqs } from './support/fake-sqs.ts';
import { type RefreshWorld, startRefreshWorld } from './support/world.ts';

/** A queue that records what it was given and refuses the ids in `refuse`. */
function recordingQueue(refuse: ReadonlySet<string> = new Set()): RefreshQueue & { sent: string[] } {
  const sent: string[] = [];
  return {
    sent,
    send: (ids) => {
      sent.push(...ids.filter((id) => !refuse.has(id)));
      return Promise.resolve({ failed: ids.filter((id) => refuse.has(id)) });
    },
  };
}

describe('fan-out from the scheduled run', () => {
  let world: RefreshWorld;
  beforeEach(async () => {
    world = await startRefreshWorld();
  });
  afterEach(() => world.close());

  it('queues everything beyond the inline limit at once and refreshes the rest itself', async () => {
    await world.seed(5);
    const queue = recordingQueue();
    const report = await runScheduledRefresh(world.deps, { budgetMs: 60_000, queue, inlineLimit: 2 });
    expect(report).toMatchObject({ due: 5, refreshed: 2, enqueued: 3, deferred: 0 });
    expect(queue.sent).toHaveLength(3);
  });

  it('queues what the time budget left unstarted', async () => {
    await world.seed(4);
    const queue = recordingQueue();
    const report = await runScheduledRefresh(world.deps, { budgetMs: 0, queue });
    expect(report).toMatchObject({ due: 4, refreshed: 0, enqueued: 4 });
    expect(world.provider.stats.refreshed).toBe(0);
  });

  it('leaves integrations the queue refused due, for the next run', async () => {
    const seeded = await world.seed(3);
    const refused = new Set([seeded[0]!.id]);
    const report = await runScheduledRefresh(world.deps, { budgetMs: 0, queue: recordingQueue(refused) });
    expect(report).toMatchObject({ enqueued: 2, deferred: 1 });
    const stillDue = await world.services.metadata.queryDue(INTEGRATION_KIND, world.services.clock.now());
    expect(stillDue.items.map((item) => item.id)).toContain(seeded[0]!.id);
  });

  it('locally hands the overflow to the worker logic in the same process', async () => {
    await world.seed(3);
    const consumed: string[] = [];
    const queue = refreshQueueFor(world.deps, (ids) => Promise.resolve(consumed.push(...ids)));
    const report = await runScheduledRefresh(world.deps, { budgetMs: 60_000, queue, inlineLimit: 1 });
    expect(report).toMatchObject({ refreshed: 1, enqueued: 2 });
    expect(consumed).toHaveLength(2);
  });
});

describe('the worker', () => {
  let world: RefreshWorld;
  beforeEach(async () => {
    world = await startRefreshWorld();
  });
  afterEach(() => world.close());

  it('refreshes each integration once even when its message came twice, and drops malformed messages', async () => {
    const [s] = await world.seed(1);
    const result = await consumeRefreshMessages(world.deps, [
      { messageId: 'm1', body: refreshMessageBody(s!.id) },
      { messageId: 'm2', body: refreshMessageBody(s!.id) },
      { messageId: 'm3', body: '{"integrationId": 42}' },
      { messageId: 'm4', body: 'not json' },
    ]);
    expect(result.outcomes.map((o) => o.result)).toEqual(['refreshed']);
    expect(result.retryMessageIds).toEqual([]);
    expect(world.provider.stats.refreshed).toBe(1);
  });

  it('asks for redelivery when the store failed (nothing recorded), not when the provider failed (backoff recorded)', async () => {
    const [storeDown, providerDown] = await world.seed(2);
    const secrets = {
      ...world.deps.secrets,
      get: (name: string, options?: { stage?: 'current' | 'previous' }) =>
        name.includes(storeDown!.id) ? Promise.reject(new StoreError('injected outage')) : world.deps.secrets.get(name, options),
    };
    const providerToken = (await world.tokens(providerDown!.id)).refreshToken;
    world.provider.fault = (request) => (request.refreshToken === providerToken ? { status: 502 } : undefined);

    const result = await consumeRefreshMessages({ ...world.deps, secrets }, [
      { messageId: 'store', body: refreshMessageBody(storeDown!.id) },
      { messageId: 'provider', body: refreshMessageBody(providerDown!.id) },
    ]);

    expect(result.retryMessageIds).toEqual(['store']);
    expect((await world.integration(providerDown!.id)).nextRefreshAttemptAt).toBeDefined();
  });
});

describe('the SQS queue (real SDK against a loopback SQS)', () => {
  let sqs: FakeSqs;
  let client: SQSClient;
  beforeEach(async () => {
    sqs = await startFakeSqs();
    client = new SQSClient({ region: testRegion, credentials: fakeCredentials, endpoint: new URL(sqs.queueUrl).origin });
  });
  afterEach(async () => {
    client.destroy();
    await sqs.close();
  });

  it('sends one message per integration in SendMessageBatch requests of at most 10', async () => {
    const ids = Array.from({ length: 25 }, (_, i) => `integration-${i}`);
    const { failed } = await createSqsRefreshQueue({ client, queueUrl: sqs.queueUrl }).send(ids);
    expect(failed).toEqual([]);
    expect(sqs.batchSizes).toEqual([10, 10, 5]);
    expect(sqs.accepted.map((body) => (JSON.parse(body) as { integrationId: string }).integrationId).sort()).toEqual([...ids].sort());
  });

  it('sends an entry SQS refused once more, and reports it when it is refused again', async () => {
    sqs.refuse((body) => body.includes('"flaky"'), 1);
    sqs.refuse((body) => body.includes('"broken"'), 2);
    const { failed } = await createSqsRefreshQueue({ client, queueUrl: sqs.queueUrl }).send(['flaky', 'broken', 'fine']);
    expect(failed).toEqual(['broken']);
    expect(sqs.accepted.map((body) => (JSON.parse(body) as { integrationId: string }).integrationId).sort()).toEqual(['fine', 'flaky']);
  });
});
