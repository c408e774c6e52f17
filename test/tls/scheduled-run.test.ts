import { describe, expect, it } from 'vitest';
import type { Alert, AlertSink } from '../../lib/observe/alerts.ts';
import { createEndpointStore, emfEndpointMetrics, runScheduledChecks, type CheckReport, type Endpoint, type EndpointMetrics } from '../../lib/tls/index.ts';
import { createTrustContext, createTrustStore } from '../../lib/trust/index.ts';
import { memoryMetadata } from '../support/tls/memory-metadata.ts';
import { chain, selfSigned } from '../support/tls/pki.ts';
import { closedPort, silentServer } from '../support/tls/servers.ts';
import { captureStdio } from '../support/stdio.ts';
import { serve, track } from './helpers.ts';

const clock = { now: () => Date.now() };
// Each run waits this long for the silent endpoint; it must also leave the healthy endpoints' loopback
// handshakes room to finish on a loaded machine, or they would be reported as timeouts too.
const CHECK_TIMEOUT_MS = 2_500;

function recorder() {
  const alerts: Alert[] = [];
  const metrics: { endpoint: Endpoint; report: CheckReport }[] = [];
  const sink: AlertSink = {
    publish: (alert) => {
      alerts.push(alert);
      return Promise.resolve();
    },
  };
  const metricSink: EndpointMetrics = { record: (endpoint, report) => metrics.push({ endpoint, report }) };
  return { alerts, metrics, sink, metricSink };
}

async function world() {
  const metadata = memoryMetadata();
  const trustStore = createTrustStore(metadata, clock);
  const trust = createTrustContext(trustStore);
  const endpoints = createEndpointStore(metadata, clock);
  const { root, intermediate, leaf } = await chain();
  await trustStore.add(root.pem);
  const self = await selfSigned({ cn: 'localhost', dns: ['localhost'] });
  const ok = await endpoints.add({ host: '127.0.0.1', port: await serve(leaf.keyPem, leaf.pem, intermediate.pem), servername: 'localhost' });
  const selfSignedEp = await endpoints.add({ host: '127.0.0.1', port: await serve(self.keyPem, self.pem), servername: 'localhost' });
  const hanging = await endpoints.add({ host: '127.0.0.1', port: track(await silentServer()).port, servername: 'localhost' });
  const refused = await endpoints.add({ host: '127.0.0.1', port: await closedPort(), servername: 'localhost' });
  return { metadata, trustStore, trust, endpoints, self, ids: { ok: ok.id, selfSigned: selfSignedEp.id, hanging: hanging.id, refused: refused.id } };
}

describe('scheduled certificate checks', () => {
  it('checks every endpoint and stores the latest result of each, a hanging one included', async () => {
    const w = await world();
    const r = recorder();
    const summary = await runScheduledChecks({ ...w, alerts: r.sink, metrics: r.metricSink, clock, timeoutMs: CHECK_TIMEOUT_MS, concurrency: 2 });
    expect(summary).toEqual({ checked: 4, failing: 3, errors: 0 });
    const verdicts = await Promise.all(Object.values(w.ids).map(async (id) => (await w.endpoints.result(id))?.report.verdict));
    expect(verdicts).toEqual(['ok', 'self-signed', 'timeout', 'connect-failed']);
  });

  it('records days to expiry and trusted 0 for an endpoint whose trust fails', async () => {
    const w = await world();
    const r = recorder();
    await runScheduledChecks({ ...w, alerts: r.sink, metrics: r.metricSink, clock, timeoutMs: CHECK_TIMEOUT_MS });
    const selfSignedMetric = r.metrics.find((m) => m.endpoint.id === w.ids.selfSigned);
    expect(selfSignedMetric?.report).toMatchObject({ trusted: false, daysLeft: 364 });
  });

  it('publishes one alert per state change: new failures first, nothing when unchanged', async () => {
    const w = await world();
    const r = recorder();
    await runScheduledChecks({ ...w, alerts: r.sink, metrics: r.metricSink, clock, timeoutMs: CHECK_TIMEOUT_MS });
    expect(r.alerts.map((a) => a.key).sort()).toEqual([`endpoint:${w.ids.hanging}`, `endpoint:${w.ids.refused}`, `endpoint:${w.ids.selfSigned}`].sort());
    expect(r.alerts.every((a) => a.severity === 'critical')).toBe(true);
    await runScheduledChecks({ ...w, alerts: r.sink, metrics: r.metricSink, clock, timeoutMs: CHECK_TIMEOUT_MS });
    expect(r.alerts).toHaveLength(3);
  });

  it('announces recovery once the self-signed certificate is trusted', async () => {
    const w = await world();
    const r = recorder();
    await runScheduledChecks({ ...w, alerts: r.sink, metrics: r.metricSink, clock, timeoutMs: CHECK_TIMEOUT_MS });
    await w.trustStore.add(w.self.pem);
    await runScheduledChecks({ ...w, alerts: r.sink, metrics: r.metricSink, clock, timeoutMs: CHECK_TIMEOUT_MS });
    const last = r.alerts.at(-1);
    expect(last).toMatchObject({ key: `endpoint:${w.ids.selfSigned}`, severity: 'info' });
    expect(last?.subject).toMatch(/^Recovered/);
  });

  it('retries an alert whose publication failed on the next run', async () => {
    const w = await world();
    const r = recorder();
    let fail = true;
    const flaky: AlertSink = {
      publish: (alert) => (fail ? Promise.reject(new Error('SNS down')) : r.sink.publish(alert)),
    };
    await runScheduledChecks({ ...w, alerts: flaky, metrics: r.metricSink, clock, timeoutMs: CHECK_TIMEOUT_MS });
    fail = false;
    await runScheduledChecks({ ...w, alerts: flaky, metrics: r.metricSink, clock, timeoutMs: CHECK_TIMEOUT_MS });
    expect(r.alerts).toHaveLength(3);
  });

  it('warns once when the earliest expiry falls below warnDays', async () => {
    const metadata = memoryMetadata();
    const trustStore = createTrustStore(metadata, clock);
    const { root, intermediate, leaf } = await chain({ notAfterDays: 10 });
    await trustStore.add(root.pem);
    const endpoints = createEndpointStore(metadata, clock);
    await endpoints.add({ host: '127.0.0.1', port: await serve(leaf.keyPem, leaf.pem, intermediate.pem), servername: 'localhost', warnDays: 14 });
    const r = recorder();
    const deps = { metadata, trust: createTrustContext(trustStore), alerts: r.sink, metrics: r.metricSink, clock };
    await runScheduledChecks(deps);
    await runScheduledChecks(deps);
    expect(r.alerts.map((a) => a.severity)).toEqual(['warning']);
  });
});

describe('EMF metrics', () => {
  it('emits days to the earliest expiry and Trusted 0 per endpoint through Powertools', async () => {
    const endpoint: Endpoint = { id: 'e1', host: 'mail.example.test', port: 993, protocol: 'imaps', createdAt: '2026-01-01T00:00:00Z' };
    const report = { protocol: 'imaps', trusted: false, daysLeft: 12 } as CheckReport;
    const { stdout } = await captureStdio(() => {
      emfEndpointMetrics('TrustlineTest').record(endpoint, report);
    });
    const emf = JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as Record<string, unknown>;
    expect(emf).toMatchObject({ Endpoint: 'imaps://mail.example.test:993', DaysToEarliestExpiry: 12, Trusted: 0, Reachable: 1 });
    expect(JSON.stringify(emf._aws)).toContain('TrustlineTest');
  });
});
