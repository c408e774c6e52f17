import { mkdtemp, writeFile } from 'node:fs/promises';
import net, { type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CheckReport } from '../../lib/tls/index.ts';
import { runCli } from '../cli/run-cli.ts';
import { selfSigned } from '../support/tls/pki.ts';
import { serve } from './helpers.ts';

async function selfSignedPeer() {
  const server = await selfSigned({ cn: 'localhost', dns: ['localhost'], ips: ['127.0.0.1'] });
  return { server, port: await serve(server.keyPem, server.pem) };
}

describe('trustline certs check', () => {
  it('--json on a self-signed server: verdict self-signed, trusted false, the PEM and the keytool command; exit 1', async () => {
    const { server, port } = await selfSignedPeer();
    const run = await runCli(['certs', 'check', `127.0.0.1:${String(port)}`, '--servername', 'localhost', '--json']);
    expect(run.code).toBe(1);
    const report = JSON.parse(run.stdout) as CheckReport;
    expect(report).toMatchObject({ host: '127.0.0.1', port, protocol: 'https', verdict: 'self-signed', trusted: false, hostnameMatches: true });
    expect(report.fix?.pem).toBe(server.pem);
    expect(report.fix?.keytool).toMatch(/^keytool -importcert -noprompt -alias trustline-localhost-[0-9a-f]{8} -file \S+\.pem -cacerts -storepass changeit$/);
    expect(report.fix?.keytoolKeystore).toContain('-keystore');
  });

  it('prints a chain table, the verdict and the fix for a person', async () => {
    const { port } = await selfSignedPeer();
    const run = await runCli(['certs', 'check', `127.0.0.1:${String(port)}`, '--servername', 'localhost']);
    expect(run.stdout).toMatch(/#\s+Subject\s+Issuer\s+Expires\s+Days\s+Source/);
    expect(run.stdout).toContain('Verdict: self-signed (NOT TRUSTED)');
    expect(run.stdout).toContain('keytool -importcert -noprompt');
  });

  it('says no certificate was received, rather than judging trust, when nothing listens', async () => {
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    await new Promise<void>((resolve) =>
      server.close(() => {
        resolve();
      }),
    );
    const run = await runCli(['certs', 'check', `127.0.0.1:${String(port)}`, '--timeout', '3']);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('Verdict: connect-failed (no certificate received)');
    expect(run.stdout).not.toContain('host name does not match');
  });

  it('trusts the certificates of --ca-file and exits 0', async () => {
    const { server, port } = await selfSignedPeer();
    const file = path.join(await mkdtemp(path.join(tmpdir(), 'trustline-ca-')), 'ca.pem');
    await writeFile(file, server.pem);
    const run = await runCli(['certs', 'check', `127.0.0.1:${String(port)}`, '--servername', 'localhost', '--ca-file', file, '--json']);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ verdict: 'ok', trusted: true });
  });

  it('exits 2 for a target that is not HOST[:PORT]', async () => {
    const run = await runCli(['certs', 'check', 'bad host:x', '--json']);
    expect(run.code).toBe(2);
    expect(JSON.parse(run.stdout)).toMatchObject({ error: { code: 'BAD_INPUT' } });
  });

  it('exits 2 for an unknown protocol', async () => {
    expect((await runCli(['certs', 'check', 'example.com', '--protocol', 'gopher'])).code).toBe(2);
  });
});
