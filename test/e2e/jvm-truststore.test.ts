import { copyFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { CheckReport } from '../../lib/tls/index.ts';
import { runCli } from '../cli/run-cli.ts';
import { selfSigned } from '../support/tls/pki.ts';
import { startRuntime } from '../support/tls/runtime.ts';
import { httpsServer, type Running } from '../support/tls/servers.ts';
import { JAVA_HTTPS_CLIENT, requireJdk, run } from './fixtures/jdk.ts';

interface World {
  readonly javaHome: string;
  readonly dir: string;
  readonly server: Running;
  readonly url: string;
  readonly report: CheckReport;
}

let world: Promise<World> | undefined;

/** Built on first use inside a test, so a missing JDK fails every test with the install command instead of skipping them. */
function setUp(): Promise<World> {
  world ??= (async () => {
    const javaHome = requireJdk('JVM truststore test');
    const dir = await mkdtemp(path.join(tmpdir(), 'trustline-jvm-'));
    await writeFile(path.join(dir, 'Client.java'), JAVA_HTTPS_CLIENT);
    const cert = await selfSigned({ cn: 'localhost', dns: ['localhost'], ips: ['127.0.0.1'] });
    const server = await httpsServer(cert.keyPem, cert.pem);
    const check = await runCli(['certs', 'check', `127.0.0.1:${String(server.port)}`, '--servername', 'localhost', '--json']);
    return { javaHome, dir, server, url: `https://localhost:${String(server.port)}/`, report: JSON.parse(check.stdout) as CheckReport };
  })();
  return world;
}

afterAll(async () => {
  const built = await world?.catch(() => undefined);
  await built?.server.close();
  if (built !== undefined) await rm(built.dir, { recursive: true, force: true });
});

const client = (w: World, ...properties: string[]) => run('java', [...properties, 'Client.java', w.url], w.dir);

describe('the JVM and the fix Trustline prints', () => {
  it('a Java client fails with PKIX against the self-signed server, as Trustline predicts', async () => {
    const w = await setUp();
    const { report } = w;
    expect(report).toMatchObject({ verdict: 'self-signed', trusted: false });
    const result = await client(w);
    expect(result.code).toBe(1);
    expect(result.output).toContain('PKIX path building failed');
    expect(report.message).toContain('PKIX path building failed');
  });

  it('connects after importing the printed PEM with the printed keytool command into a copy of cacerts', async () => {
    const w = await setUp();
    const { dir, javaHome } = w;
    const fix = w.report.fix;
    if (fix === undefined) throw new Error('certs check printed no fix');
    await writeFile(path.join(dir, fix.file), fix.pem);
    const truststore = path.join(dir, 'cacerts-copy');
    await copyFile(path.join(javaHome, 'lib/security/cacerts'), truststore);
    const command = fix.keytoolKeystore.replace('"$JAVA_HOME/lib/security/cacerts"', truststore);
    const imported = await run('sh', ['-c', command], dir);
    expect(imported.code, imported.output).toBe(0);
    const result = await client(w, `-Djavax.net.ssl.trustStore=${truststore}`);
    expect(result.output.trim()).toBe('CONNECTED 200');
  });

  it('connects with the PKCS#12 truststore written by `trustline trust export`', async () => {
    const w = await setUp();
    const { dir } = w;
    const fix = w.report.fix;
    if (fix === undefined) throw new Error('certs check printed no fix');
    const runtime = await startRuntime(['trust']);
    try {
      const pemFile = path.join(dir, 'anchor.pem');
      await writeFile(pemFile, fix.pem);
      expect((await runCli(['trust', 'add', '--file', pemFile], runtime.env)).code).toBe(0);
      const out = path.join(dir, 'trustline.p12');
      const exported = await runCli(['trust', 'export', '--format', 'pkcs12', '--out', out], runtime.env);
      expect(exported.code, exported.stderr).toBe(0);
      const flags = /Use it with: (.+)/.exec(exported.stdout)?.[1]?.split(' ') ?? [];
      expect(flags).toContain(`-Djavax.net.ssl.trustStore=${out}`);
      const result = await client(w, ...flags);
      expect(result.output.trim()).toBe('CONNECTED 200');
    } finally {
      await runtime.stop();
    }
  });
});
