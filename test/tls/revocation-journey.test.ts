import 'reflect-metadata';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { CRLReasons } from '@peculiar/asn1-x509';
import type { Alert, AlertSink } from '../../lib/observe/alerts.ts';
import { createEndpointStore, runScheduledChecks, type CheckReport } from '../../lib/tls/index.ts';
import { createTrustContext, createTrustStore } from '../../lib/trust/index.ts';
import { runCli } from '../cli/run-cli.ts';
import { memoryMetadata } from '../support/tls/memory-metadata.ts';
import { issue, selfSigned } from '../support/tls/pki.ts';
import { ocspResponder, serialOf, type TestStatus } from '../support/tls/revocation.ts';
import { serve, track } from './helpers.ts';

const LOOPBACK_FLAG = { TRUSTLINE_DEV_ALLOW_LOOPBACK_HTTP: '1' };
vi.stubEnv('TRUSTLINE_DEV_ALLOW_LOOPBACK_HTTP', '1');

/** root → intermediate → leaf for localhost whose AIA names a loopback OCSP responder answering from `statuses`. */
async function revocableService() {
  const root = await selfSigned({ cn: 'Journey Root', ca: true, notAfterDays: 3650 });
  const intermediate = await issue(root, { cn: 'Journey Intermediate', ca: true, notAfterDays: 1825 });
  const statuses = new Map<string, TestStatus>();
  const responder = track(await ocspResponder(intermediate, statuses));
  const leaf = await issue(intermediate, { cn: 'localhost', dns: ['localhost'], ips: ['127.0.0.1'], ocspUrl: responder.url });
  const port = await serve(leaf.keyPem, leaf.pem, intermediate.pem);
  const serial = serialOf(leaf);
  return {
    root,
    statuses,
    responder,
    port,
    revoke: () => statuses.set(serial, { revokedAt: new Date(Date.now() - 60_000), reason: CRLReasons.keyCompromise }),
    markGood: () => statuses.set(serial, 'good'),
  };
}

describe('trustline certs check and revocation', () => {
  it('--json says revoked, with the revocation member, and exits 1', async () => {
    const service = await revocableService();
    service.revoke();
    const caFile = path.join(await mkdtemp(path.join(tmpdir(), 'trustline-rev-')), 'root.pem');
    await writeFile(caFile, service.root.pem);
    const run = await runCli(
      ['certs', 'check', `127.0.0.1:${String(service.port)}`, '--servername', 'localhost', '--ca-file', caFile, '--json'],
      LOOPBACK_FLAG,
    );
    expect(run.code).toBe(1);
    const report = JSON.parse(run.stdout) as CheckReport;
    expect(report).toMatchObject({ verdict: 'revoked', revocation: { status: 'revoked', source: 'ocsp', reason: 'keyCompromise' } });
  });

  it('shows an unknown status in text and exits 0 when the responder does not know the certificate', async () => {
    const service = await revocableService();
    const caFile = path.join(await mkdtemp(path.join(tmpdir(), 'trustline-rev-')), 'root.pem');
    await writeFile(caFile, service.root.pem);
    const run = await runCli(['certs', 'check', `127.0.0.1:${String(service.port)}`, '--servername', 'localhost', '--ca-file', caFile], LOOPBACK_FLAG);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Verdict: ok (trusted)');
    expect(run.stdout).toContain('Revocation: unknown.');
    expect(run.stdout).toContain('the responder does not know this certificate');
  });

  it('--no-revocation asks no one and prints no revocation member', async () => {
    const service = await revocableService();
    service.revoke();
    const caFile = path.join(await mkdtemp(path.join(tmpdir(), 'trustline-rev-')), 'root.pem');
    await writeFile(caFile, service.root.pem);
    const run = await runCli(
      ['certs', 'check', `127.0.0.1:${String(service.port)}`, '--servername', 'localhost', '--ca-file', caFile, '--no-revocation', '--json'],
      LOOPBACK_FLAG,
    );
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).not.toHaveProperty('revocation');
    expect(service.responder.hits()).toBe(0);
  });
});

describe('scheduled checks and revocation', () => {
  it('raises one critical alert when a watched endpoint becomes revoked, and none on the next run', async () => {
    const service = await revocableService();
    service.markGood();
    const clock = { now: () => Date.now() };
    const metadata = memoryMetadata();
    const trustStore = createTrustStore(metadata, clock);
    await trustStore.add(service.root.pem);
    const endpoints = createEndpointStore(metadata, clock);
    const endpoint = await endpoints.add({ host: '127.0.0.1', port: service.port, servername: 'localhost' });
    const alerts: Alert[] = [];
    const sink: AlertSink = {
      publish: (alert) => {
        alerts.push(alert);
        return Promise.resolve();
      },
    };
    const deps = {
      metadata,
      trust: createTrustContext(trustStore, { outbound: { allowLoopback: true } }),
      alerts: sink,
      metrics: { record: () => undefined },
      clock,
      timeoutMs: 5000,
    };

    await runScheduledChecks(deps);
    expect((await endpoints.result(endpoint.id))?.report.revocation).toMatchObject({ status: 'good', source: 'ocsp' });
    expect(alerts).toEqual([]);

    service.revoke();
    await runScheduledChecks(deps);
    await runScheduledChecks(deps);
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({
      key: `endpoint:${endpoint.id}`,
      severity: 'critical',
      subject: expect.stringContaining('TLS check failing (revoked)') as unknown,
    });
    expect((await endpoints.result(endpoint.id))?.state).toBe('failing:revoked');
  });
});
