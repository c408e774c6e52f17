import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { handler as workerHandler } from '../../functions/token-refresh-worker/handler.ts';
import { handler as refreshHandler } from '../../functions/token-refresh/handler.ts';
import { manifest } from '../../functions/manifest.ts';
import { queueUrlVariable } from '../../infra/aws/fan-out-queue.ts';
import { validateManifest } from '../../functions/validate-manifest.ts';
import { refreshMessageBody } from '../../lib/oauth/refresh-queue.ts';
import { loadConfig } from '../../lib/runtime/config.ts';
import { setServices } from '../../lib/runtime/services.ts';
import { captureStdio } from '../support/stdio.ts';
import { type RefreshWorld, startRefreshWorld } from './support/world.ts';

const context = (remainingMs: number) => ({ getRemainingTimeInMillis: () => remainingMs }) as Context;
const sqsEvent = (records: { messageId: string; body: string }[]): SQSEvent => ({ Records: records.map((r) => r as unknown as SQSRecord) });

/** EMF documents printed on stdout, by metric name: the values of the first document naming it. */
function emfMetrics(lines: readonly string[]): { values: Map<string, unknown>; dimensions: Record<string, unknown>[] } {
  const values = new Map<string, unknown>();
  const dimensions: Record<string, unknown>[] = [];
  for (const line of lines) {
    if (!line.startsWith('{') || !line.includes('"_aws"')) continue;
    const doc = JSON.parse(line) as Record<string, unknown> & { _aws: { CloudWatchMetrics: { Metrics: { Name: string }[]; Dimensions: string[][] }[] } };
    for (const directive of doc._aws.CloudWatchMetrics) {
      for (const metric of directive.Metrics) if (!values.has(metric.Name)) values.set(metric.Name, doc[metric.Name]);
      for (const names of directive.Dimensions) dimensions.push(Object.fromEntries(names.map((name) => [name, doc[name]])));
    }
  }
  return { values, dimensions };
}

describe('token-refresh handlers', () => {
  let world: RefreshWorld;
  beforeEach(async () => {
    world = await startRefreshWorld();
    setServices(world.services);
  });
  afterEach(async () => {
    setServices(undefined);
    await world.close();
  });

  it('the scheduled handler refreshes what is due and prints EMF: refreshed, failed by class, backlog', async () => {
    const seeded = await world.seed(3);
    const failing = (await world.tokens(seeded[0]!.id)).refreshToken;
    world.provider.fault = (request) => (request.refreshToken === failing ? { status: 500 } : undefined);

    let summary: unknown;
    const { lines } = await captureStdio(async () => {
      summary = await refreshHandler({ source: 'trustline.schedule', function: 'token-refresh', cron: '*/5 * * * *' }, context(180_000));
    });

    expect(summary).toMatchObject({ due: 3, refreshed: 2, failed: { 'server-error': 1 } });
    expect(summary).not.toHaveProperty('outcomes');
    const { values, dimensions } = emfMetrics(lines);
    expect(values.get('TokenRefreshed')).toBe(2);
    expect(values.get('TokenRefreshDueBacklog')).toBe(3);
    expect(values.get('TokenRefreshFailed')).toBe(1);
    expect(dimensions).toContainEqual(expect.objectContaining({ failureClass: 'server-error' }));
    expect(values.has('TokenRefreshRunDuration')).toBe(true);
  });

  it('the worker handler reports only the messages to redeliver (partial batch response)', async () => {
    const [s] = await world.seed(1);
    const response = await workerHandler(
      sqsEvent([
        { messageId: 'ok', body: refreshMessageBody(s!.id) },
        { messageId: 'gone', body: refreshMessageBody('00000000-0000-0000-0000-000000000000') },
      ]),
    );
    expect(response).toEqual({ batchItemFailures: [] });
    expect(world.provider.stats.refreshed).toBe(1);
  });
});

describe('manifest and wiring', () => {
  it('schedules token-refresh every 5 minutes and lets it queue to the worker, which consumes a queue', () => {
    const refresh = manifest.find((fn) => fn.name === 'token-refresh');
    const worker = manifest.find((fn) => fn.name === 'token-refresh-worker');
    expect(refresh?.schedules?.map((s) => s.cron)).toEqual(['*/5 * * * *']);
    expect(refresh?.access).toMatchObject({
      secrets: { prefix: 'integrations/', write: true },
      table: { integrations: 'readwrite', leases: 'readwrite' },
      alerts: true,
      queueTo: 'token-refresh-worker',
    });
    expect(worker?.queue?.batchSize).toBeGreaterThan(0);
    expect(() => {
      validateManifest(manifest);
    }).not.toThrow();
  });

  it('reads the queue URL from the variable the stack sets for the worker', () => {
    const config = loadConfig({ [queueUrlVariable('token-refresh-worker')]: 'https://sqs.example/123/q' });
    expect(config.aws.refreshQueueUrl).toBe('https://sqs.example/123/q');
  });
});
