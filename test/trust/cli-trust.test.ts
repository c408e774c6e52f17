import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import forge from 'node-forge';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../cli/run-cli.ts';
import { selfSigned } from '../support/tls/pki.ts';
import { startRuntime } from '../support/tls/runtime.ts';
import { tlsServer, type Running } from '../support/tls/servers.ts';

let runtime: Awaited<ReturnType<typeof startRuntime>>;
let dir: string;
const peers: Running[] = [];
beforeAll(async () => {
  runtime = await startRuntime(['trust']);
  dir = await mkdtemp(path.join(tmpdir(), 'trustline-cli-trust-'));
});
afterAll(async () => {
  await Promise.all(peers.map((p) => p.close()));
  await runtime.stop();
});

const fingerprints = async () => {
  const run = await runCli(['trust', 'list', '--json'], runtime.env);
  return (JSON.parse(run.stdout) as { entries: { fingerprintSha256: string }[] }).entries.map((e) => e.fingerprintSha256);
};

describe('trustline trust', () => {
  it('adds every certificate of a PEM file and lists them', async () => {
    const a = await selfSigned({ cn: 'cli file a' });
    const b = await selfSigned({ cn: 'cli file b' });
    const file = path.join(dir, 'two.pem');
    await writeFile(file, a.pem + b.pem);
    const run = await runCli(['trust', 'add', '--file', file, '--json'], runtime.env);
    expect(run.code).toBe(0);
    const added = (JSON.parse(run.stdout) as { added: { fingerprintSha256: string }[] }).added.map((e) => e.fingerprintSha256);
    expect(added).toHaveLength(2);
    expect(await fingerprints()).toEqual(expect.arrayContaining(added));
  });

  it('adds the anchor a server needs with --from HOST:PORT --yes', async () => {
    const server = await selfSigned({ cn: 'localhost', dns: ['localhost'] });
    const peer = await tlsServer(server.keyPem, server.pem);
    peers.push(peer);
    const run = await runCli(['trust', 'add', '--from', `127.0.0.1:${String(peer.port)}`, '--servername', 'localhost', '--yes', '--json'], runtime.env);
    expect(run.code).toBe(0);
    expect(run.stderr).toContain('self-signed');
    const added = (JSON.parse(run.stdout) as { added: { subject: string }[] }).added;
    expect(added.map((e) => e.subject)).toEqual(['CN=localhost']);
  });

  it('refuses --from without --yes when nobody can confirm, and adds nothing', async () => {
    const server = await selfSigned({ cn: 'localhost', dns: ['localhost'] });
    const peer = await tlsServer(server.keyPem, server.pem);
    peers.push(peer);
    const before = await fingerprints();
    const run = await runCli(['trust', 'add', '--from', `127.0.0.1:${String(peer.port)}`, '--servername', 'localhost'], runtime.env);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--yes');
    expect(await fingerprints()).toEqual(before);
  });

  it('exports a PKCS#12 truststore holding every entry', async () => {
    const out = path.join(dir, 'truststore.p12');
    const run = await runCli(['trust', 'export', '--format', 'pkcs12', '--out', out], runtime.env);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('-Djavax.net.ssl.trustStore=');
    const bytes = await readFile(out);
    const p12 = forge.pkcs12.pkcs12FromAsn1(forge.asn1.fromDer(bytes.toString('latin1')), true, 'changeit');
    const bags = p12.getBags({ bagType: '1.2.840.113549.1.12.10.1.3' })['1.2.840.113549.1.12.10.1.3'] ?? [];
    expect(bags).toHaveLength((await fingerprints()).length);
  });

  it('exports a PEM bundle', async () => {
    const out = path.join(dir, 'truststore.pem');
    expect((await runCli(['trust', 'export', '--format', 'pem', '--out', out], runtime.env)).code).toBe(0);
    expect((await readFile(out, 'utf8')).match(/BEGIN CERTIFICATE/g)).toHaveLength((await fingerprints()).length);
  });

  it('removes an entry by fingerprint', async () => {
    const [first] = await fingerprints();
    const run = await runCli(['trust', 'remove', first ?? ''], runtime.env);
    expect(run.code).toBe(0);
    expect(await fingerprints()).not.toContain(first);
  });

  it('exits 2 when given neither --file nor --from', async () => {
    expect((await runCli(['trust', 'add'], runtime.env)).code).toBe(2);
  });
});
