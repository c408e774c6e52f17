import 'reflect-metadata';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CRLReasons } from '@peculiar/asn1-x509';
import { afterAll, describe, expect, it } from 'vitest';
import { checkEndpoint } from '../../lib/tls/check.ts';
import { createTrustContext, fixedTrustStore } from '../../lib/trust/index.ts';
import { issue, selfSigned } from '../support/tls/pki.ts';
import { ocspResponder, serialOf, type TestStatus } from '../support/tls/revocation.ts';
import { httpsServer, type Running } from '../support/tls/servers.ts';
import { JAVA_HTTPS_CLIENT, requireJdk, run } from './fixtures/jdk.ts';

const running: Running[] = [];
afterAll(async () => {
  await Promise.all(running.map((server) => server.close()));
});

/** A root that issues the leaf directly (so only the leaf has revocation to check) and answers OCSP for it: revoked. */
async function revokedService() {
  requireJdk('JVM revocation test');
  const root = await selfSigned({ cn: 'JVM Revocation Root', ca: true, notAfterDays: 3650 });
  const statuses = new Map<string, TestStatus>();
  const responder = await ocspResponder(root, statuses);
  running.push(responder);
  const leaf = await issue(root, { cn: 'localhost', dns: ['localhost'], ips: ['127.0.0.1'], ocspUrl: responder.url });
  statuses.set(serialOf(leaf), { revokedAt: new Date(Date.now() - 3_600_000), reason: CRLReasons.keyCompromise });
  const server = await httpsServer(leaf.keyPem, leaf.pem);
  running.push(server);
  const dir = await mkdtemp(path.join(tmpdir(), 'trustline-jvm-rev-'));
  await writeFile(path.join(dir, 'Client.java'), JAVA_HTTPS_CLIENT);
  await writeFile(path.join(dir, 'root.pem'), root.pem);
  await writeFile(path.join(dir, 'ocsp.security'), 'ocsp.enable=true\n');
  const keytool = await run(
    'keytool',
    ['-importcert', '-noprompt', '-alias', 'root', '-file', 'root.pem', '-keystore', 'ts.p12', '-storetype', 'PKCS12', '-storepass', 'changeit'],
    dir,
  );
  expect(keytool.code, keytool.output).toBe(0);
  const javac = await run('javac', ['Client.java'], dir);
  expect(javac.code, javac.output).toBe(0);
  return { root, server, dir, url: `https://localhost:${String(server.port)}/` };
}

describe('what a JVM does with a revoked certificate, against what certs check says', () => {
  it("connects by default, fails with CertificateRevokedException's words once revocation checking is on, and certs check quotes them", async () => {
    const { root, server, dir, url } = await revokedService();
    const truststore = ['-Djavax.net.ssl.trustStore=ts.p12', '-Djavax.net.ssl.trustStoreType=PKCS12', '-Djavax.net.ssl.trustStorePassword=changeit'];

    const byDefault = await run('java', [...truststore, '-cp', '.', 'Client', url], dir);
    expect(byDefault.output).toContain('CONNECTED 200');

    const checking = await run(
      'java',
      [...truststore, '-Dcom.sun.net.ssl.checkRevocation=true', `-Djava.security.properties=${path.join(dir, 'ocsp.security')}`, '-cp', '.', 'Client', url],
      dir,
    );
    expect(checking.code).toBe(1);
    expect(checking.output).toContain('Certificate has been revoked, reason: KEY_COMPROMISE');
    expect(checking.output).toContain('authority: CN=JVM Revocation Root');

    const report = await checkEndpoint(
      { host: '127.0.0.1', port: server.port, protocol: 'https', servername: 'localhost' },
      // The OCSP responder is on loopback: certificate-driven fetches go there only when the policy allows it
      // (TRUSTLINE_DEV_ALLOW_LOOPBACK_HTTP=1 for the runtime and the CLI).
      { trust: createTrustContext(fixedTrustStore(root.pem), { outbound: { allowLoopback: true } }), timeoutMs: 5000 },
    );
    expect(report.verdict).toBe('revoked');
    expect(report.message).toContain('Certificate has been revoked, reason: KEY_COMPROMISE');
    expect(report.message).toContain('authority: CN=JVM Revocation Root');
    expect(report.message).toContain('-Dcom.sun.net.ssl.checkRevocation=true');
  });
});
