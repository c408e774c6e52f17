import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import { SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FunctionSpec, manifest } from '../../functions/manifest.ts';
import { createInvoker } from '../../infra/local/functions.ts';
import { LOCAL_MAX_RECEIVES, createLocalQueue, withLocalQueues } from '../../infra/local/queue.ts';
import { startLocalRuntime } from '../../infra/local/runtime.ts';
import { scheduledEvent } from '../../infra/local/scheduler.ts';
import type { Alert, AlertSink } from '../../lib/observe/alerts.ts';
import { loadConfig } from '../../lib/runtime/config.ts';
import { type Services, services as currentServices, setServices } from '../../lib/runtime/services.ts';
import { createLocalStores } from '../../lib/store/local/index.ts';
import type { MetadataStore } from '../../lib/store/ports.ts';
import { createSqsCheckQueue } from '../../lib/tls/check-queue-sqs.ts';
import { ENDPOINT_KIND } from '../../lib/tls/endpoints.ts';
import {
  type CheckMessage,
  type CheckQueue,
  consumeCheckMessages,
  createEndpointStore,
  type Endpoint,
  ENDPOINTS_PER_MESSAGE,
  enqueueScheduledChecks,
  type EndpointMetrics,
  mapBounded,
  parseCheckMessage,
} from '../../lib/tls/index.ts';
import { createTrustContext, createTrustStore } from '../../lib/trust/index.ts';
import { fakeCredentials, testRegion } from '../support/aws-test-credentials.ts';
import { memoryMetadata } from '../support/tls/memory-metadata.ts';
import { chain } from '../support/tls/pki.ts';
import { startFakeSqs } from '../refresh/support/fake-sqs.ts';
import { stubServices } from '../support/stub-services.ts';

const clock = { now: () => Date.now() };
const noMetrics: EndpointMetrics = { record: () => undefined };
const spec = (name: string): FunctionSpec => manifest.find((fn) => fn.name === name)!;

/** A loopback TLS server presenting the test chain, counting connections (one per check). */
async function countingServer(keyPem: string, certPem: string): Promise<{ port: number; connections: () => number; close: () => Promise<void> }> {
  let connections = 0;
  const sockets = new Set<net.Socket>();
  const server = tls.createServer({ key: keyPem, cert: certPem }, (socket) => {
    socket.on('error', () => undefined);
    socket.end();
  });
  server.on('connection', () => connections++);
  server.on('connection', (socket: net.Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  server.on('tlsClientError', () => undefined);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    connections: () => connections,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => {
          resolve();
        });
      }),
  };
}

/** Writes endpoint records straight to the store (add() lists every target to enforce the cap). */
async function seedEndpoints(metadata: MetadataStore, ports: readonly number[], count: number): Promise<string[]> {
  const endpoints = Array.from({ length: count }, (_, i): Endpoint => ({
    id: `ep-${String(i).padStart(5, '0')}`,
    host: '127.0.0.1',
    port: ports[i % ports.length]!,
    protocol: 'https',
    servername: 'localhost',
    createdAt: new Date().toISOString(),
  }));
  // 100 writes in flight: the embedded store commits concurrent writes together.
  await mapBounded(endpoints, 100, (endpoint) => metadata.put({ kind: ENDPOINT_KIND, id: endpoint.id, data: endpoint }));
  const ids = endpoints.map((endpoint) => endpoint.id);
  return ids;
}

function recordingAlerts(): AlertSink & { alerts: Alert[] } {
  const alerts: Alert[] = [];
  return { alerts, publish: (alert) => (alerts.push(alert), Promise.resolve()) };
}

describe('the scheduled run, fanned out', () => {
  it('sends every endpoint once, in messages of ENDPOINTS_PER_MESSAGE stamped with the run start', async () => {
    const metadata = memoryMetadata();
    const ids = await seedEndpoints(metadata, [1], 40);
    const sent: CheckMessage[] = [];
    const queue: CheckQueue = { send: (messages) => (sent.push(...messages), Promise.resolve({ failed: [] })) };
    const started = new Date().toISOString();
    expect(await enqueueScheduledChecks({ metadata, clock }, queue)).toEqual({ endpoints: 40, messages: 3, deferred: 0 });
    expect(sent.map((m) => m.endpointIds.length)).toEqual([ENDPOINTS_PER_MESSAGE, ENDPOINTS_PER_MESSAGE, 40 - 2 * ENDPOINTS_PER_MESSAGE]);
    expect(sent.flatMap((m) => m.endpointIds).sort()).toEqual(ids);
    expect(sent.every((m) => m.runAt >= started)).toBe(true);
  });

  it('counts the endpoints of messages the queue refused as deferred to the next run', async () => {
    const metadata = memoryMetadata();
    await seedEndpoints(metadata, [1], 20);
    const queue: CheckQueue = { send: (messages) => Promise.resolve({ failed: messages.slice(0, 1) }) };
    expect(await enqueueScheduledChecks({ metadata, clock }, queue)).toEqual({ endpoints: 20, messages: 1, deferred: ENDPOINTS_PER_MESSAGE });
  });

  it('refuses to run on AWS without the worker queue rather than checking every endpoint in one invocation', async () => {
    const config = loadConfig({ TRUSTLINE_BACKEND: 'aws' });
    const base = { config, clock, metadata: memoryMetadata() } as unknown as Services;
    setServices(base);
    try {
      const schedule = spec('cert-check-schedule');
      await expect(createInvoker()(schedule, scheduledEvent({ fn: schedule, schedule: schedule.schedules![0]! }))).rejects.toThrow(
        /TRUSTLINE_QUEUE_URL_CERT_CHECK_WORKER/,
      );
    } finally {
      setServices(undefined);
    }
  });

  it('sends the messages to SQS with SendMessageBatch (real SDK, loopback SQS)', async () => {
    const sqs = await startFakeSqs();
    try {
      const client = new SQSClient({ region: testRegion, credentials: fakeCredentials, endpoint: new URL(sqs.queueUrl).origin });
      const messages = Array.from({ length: 12 }, (_, i) => ({ runAt: new Date().toISOString(), endpointIds: [`e${i}`] }));
      expect(await createSqsCheckQueue({ client, queueUrl: sqs.queueUrl }).send(messages)).toEqual({ failed: [] });
      expect(sqs.batchSizes).toEqual([10, 2]);
      expect(sqs.accepted.map((body) => parseCheckMessage(body))).toEqual(messages);
    } finally {
      await sqs.close();
    }
  });
});

describe('the cert-check-worker', () => {
  let server: Awaited<ReturnType<typeof countingServer>>;
  let trust: Services['trust'];
  beforeAll(async () => {
    const { root, intermediate, leaf } = await chain();
    server = await countingServer(leaf.keyPem, leaf.pem + intermediate.pem);
    const trustStore = createTrustStore(memoryMetadata(), clock);
    await trustStore.add(root.pem);
    trust = createTrustContext(trustStore);
  });
  afterAll(() => server.close());

  const deps = (metadata: MetadataStore) => ({ metadata, trust, alerts: recordingAlerts(), clock, metrics: noMetrics, timeoutMs: 10_000 });

  it('skips, on a redelivered message, the endpoints already checked since the run started', async () => {
    const metadata = memoryMetadata();
    const ids = await seedEndpoints(metadata, [server.port], 3);
    const body = JSON.stringify({ runAt: new Date().toISOString(), endpointIds: ids });
    const before = server.connections();
    expect(await consumeCheckMessages(deps(metadata), [{ messageId: 'm1', body }])).toMatchObject({ checked: 3, skipped: 0, retryMessageIds: [] });
    expect(await consumeCheckMessages(deps(metadata), [{ messageId: 'm1', body }])).toMatchObject({ checked: 0, skipped: 3, retryMessageIds: [] });
    expect(server.connections() - before).toBe(3);
  });

  it('redelivers only the message whose check could not be stored', async () => {
    const metadata = memoryMetadata();
    const ids = await seedEndpoints(metadata, [server.port], 2);
    const failing: MetadataStore = {
      ...metadata,
      put: (item, condition) => (item.id === ids[1] ? Promise.reject(new Error('store unavailable')) : metadata.put(item, condition)),
    };
    const runAt = new Date().toISOString();
    const result = await consumeCheckMessages(deps(failing), [
      { messageId: 'good', body: JSON.stringify({ runAt, endpointIds: [ids[0]] }) },
      { messageId: 'bad', body: JSON.stringify({ runAt, endpointIds: [ids[1]] }) },
    ]);
    expect(result).toMatchObject({ checked: 1, errors: 1, retryMessageIds: ['bad'] });
  });

  it('reports a malformed message as failed, so that it ends in the dead-letter queue', async () => {
    const result = await consumeCheckMessages(deps(memoryMetadata()), [{ messageId: 'poison', body: '{"endpointIds": "not a list"}' }]);
    expect(result.retryMessageIds).toEqual(['poison']);
  });
});

describe('the hourly run through the local runtime: schedule -> local queue -> cert-check-worker', () => {
  const ENDPOINTS = 5000;
  const SERVERS = 4;
  let dataDir: string;
  let servers: Awaited<ReturnType<typeof countingServer>>[];
  let services: ReturnType<typeof withLocalQueues>;
  let alerts: ReturnType<typeof recordingAlerts>;
  let close: () => Promise<void>;

  const metricsSetting = process.env.POWERTOOLS_METRICS_DISABLED;
  beforeAll(async () => {
    // One EMF document per check is printed to stdout; 5,000 of them would only slow the runner down.
    process.env.POWERTOOLS_METRICS_DISABLED = 'true';
    dataDir = await mkdtemp(path.join(tmpdir(), 'trustline-fan-out-'));
    const { root, intermediate, leaf } = await chain();
    servers = await Promise.all(Array.from({ length: SERVERS }, () => countingServer(leaf.keyPem, leaf.pem + intermediate.pem)));
    const config = loadConfig({ TRUSTLINE_DATA_DIR: dataDir });
    const stores = createLocalStores({ dataDir, clock });
    await stores.open();
    const trustStore = createTrustStore(stores.metadata, clock);
    await trustStore.add(root.pem);
    alerts = recordingAlerts();
    const invoke = createInvoker();
    const base: Services = { config, ...stores, alerts, trustStore, trust: createTrustContext(trustStore), clock };
    services = withLocalQueues(base, manifest, invoke);
    setServices(services);
    await seedEndpoints(
      stores.metadata,
      servers.map((s) => s.port),
      ENDPOINTS,
    );
    close = async () => {
      if (metricsSetting === undefined) delete process.env.POWERTOOLS_METRICS_DISABLED;
      else process.env.POWERTOOLS_METRICS_DISABLED = metricsSetting;
      setServices(undefined);
      await Promise.all(servers.map((s) => s.close()));
      await rm(dataDir, { recursive: true, force: true });
    };
  }, 300_000);
  afterAll(() => close());

  it(`checks all ${ENDPOINTS} endpoints exactly once and stores every result`, async () => {
    const schedule = spec('cert-check-schedule');
    const runStart = new Date().toISOString();
    const summary = await createInvoker()(schedule, scheduledEvent({ fn: schedule, schedule: schedule.schedules![0]! }));
    expect(summary).toEqual({ endpoints: ENDPOINTS, messages: Math.ceil(ENDPOINTS / ENDPOINTS_PER_MESSAGE), deferred: 0 });
    expect(servers.reduce((sum, s) => sum + s.connections(), 0)).toBe(ENDPOINTS);
    const store = createEndpointStore(services.metadata, clock);
    const endpoints = await store.list();
    const results = await Promise.all(endpoints.map((endpoint) => store.result(endpoint.id)));
    expect(results.filter((r) => r !== undefined && r.report.checkedAt >= runStart && r.report.verdict === 'ok')).toHaveLength(ENDPOINTS);
    expect(services.localQueues.get('cert-check-worker')?.deadLetters).toEqual([]);
    expect(alerts.alerts).toEqual([]);
  }, 300_000);

  it(`parks a poison message in the local dead-letter queue after ${LOCAL_MAX_RECEIVES} deliveries, the rest of its batch consumed once`, async () => {
    const worker = spec('cert-check-worker');
    const deliveries: string[][] = [];
    const invoke = createInvoker();
    const queue = createLocalQueue(worker, async (fn, event) => {
      deliveries.push((event as { Records: { body: string }[] }).Records.map((r) => r.body));
      return invoke(fn, event);
    });
    const good = JSON.stringify({ runAt: new Date().toISOString(), endpointIds: ['ep-00000'] });
    const poison = '{"runAt": "yesterday"}';
    await queue.send([good, poison]);
    expect(queue.deadLetters).toEqual([expect.objectContaining({ body: poison, receiveCount: LOCAL_MAX_RECEIVES })]);
    expect(deliveries.flat().filter((body) => body === poison)).toHaveLength(LOCAL_MAX_RECEIVES);
    expect(deliveries.flat().filter((body) => body === good)).toHaveLength(1);
  });
});

describe('npm start (the local runtime)', () => {
  it('gives the scheduled run its in-process queue to cert-check-worker', async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'trustline-fan-out-rt-'));
    const config = { ...loadConfig({ TRUSTLINE_DATA_DIR: dataDir }), adminToken: 'a'.repeat(32) };
    const rt = await startLocalRuntime({ port: 0, config, services: stubServices(config), manifest, shutdownGraceMs: 500 });
    try {
      expect((await currentServices()).certCheckQueue).toBeDefined();
    } finally {
      await rt.close();
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
