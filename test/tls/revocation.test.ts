import 'reflect-metadata';
import { describe, expect, it, vi } from 'vitest';
import { CRLReasons } from '@peculiar/asn1-x509';
import * as x509 from '@peculiar/x509';
import { createTrustContext, fixedTrustStore } from '../../lib/trust/index.ts';
import { checkEndpoint } from '../../lib/tls/check.ts';
import { issue, selfSigned, type Issued } from '../support/tls/pki.ts';
import { certIdFor, crlOf, mutableFileServer, ocspResponder, ocspResponse, serialOf, staplingServer, type TestStatus } from '../support/tls/revocation.ts';
import { silentServer } from '../support/tls/servers.ts';
import { serve, track } from './helpers.ts';

// Certificate-driven fetches reach loopback only with the development flag (the outbound policy).
vi.stubEnv('TRUSTLINE_DEV_ALLOW_LOOPBACK_HTTP', '1');

async function ca() {
  const root = await selfSigned({ cn: 'Revocation Test Root', ca: true, notAfterDays: 3650 });
  const intermediate = await issue(root, { cn: 'Revocation Test Intermediate', ca: true, notAfterDays: 1825 });
  return { root, intermediate };
}

const leafFor = (issuer: Issued, pointers: { ocspUrl?: string; crlUrl?: string } = {}) =>
  issue(issuer, { cn: 'localhost', dns: ['localhost'], ips: ['127.0.0.1'], ...pointers });

async function checkLeaf(root: Issued, leaf: Issued, intermediate: Issued, options: { revocation?: boolean; port?: number } = {}) {
  const port = options.port ?? (await serve(leaf.keyPem, leaf.pem, intermediate.pem));
  return checkEndpoint(
    { host: '127.0.0.1', port, protocol: 'https', servername: 'localhost' },
    {
      trust: createTrustContext(fixedTrustStore(root.pem), { outbound: { allowLoopback: true } }),
      timeoutMs: 5000,
      ...(options.revocation === undefined ? {} : { revocation: options.revocation }),
    },
  );
}

/** A responder for `intermediate` that answers `status` for the leaf it is then asked to issue. */
async function withResponder(intermediate: Issued, status: (leaf: Issued) => TestStatus) {
  const statuses = new Map<string, TestStatus>();
  const responder = track(await ocspResponder(intermediate, statuses));
  const leaf = await leafFor(intermediate, { ocspUrl: responder.url });
  statuses.set(serialOf(leaf), status(leaf));
  return { responder, leaf, statuses };
}

describe('revocation by OCSP', () => {
  it("reports good from the issuer's OCSP responder and keeps the verdict ok", async () => {
    const { root, intermediate } = await ca();
    const { responder, leaf } = await withResponder(intermediate, () => 'good');
    const report = await checkLeaf(root, leaf, intermediate);
    expect(report.verdict).toBe('ok');
    expect(report.revocation).toMatchObject({ status: 'good', source: 'ocsp' });
    expect(report.revocation?.message).toContain(responder.url);
    expect(responder.hits()).toBe(1);
  });

  it('gives the verdict revoked with the reason, the date and what a JVM says', async () => {
    const { root, intermediate } = await ca();
    const revokedAt = new Date(Date.UTC(2026, 10, 1, 12, 0, 0));
    const { leaf } = await withResponder(intermediate, () => ({ revokedAt, reason: CRLReasons.keyCompromise }));
    const report = await checkLeaf(root, leaf, intermediate);
    expect(report.verdict).toBe('revoked');
    expect(report.revocation).toMatchObject({ status: 'revoked', source: 'ocsp', reason: 'keyCompromise', revokedAt: revokedAt.toISOString() });
    expect(report.message).toContain('-Dcom.sun.net.ssl.checkRevocation=true');
    expect(report.message).toContain('ocsp.enable=true');
    expect(report.message).toContain('Certificate has been revoked, reason: KEY_COMPROMISE');
    expect(report.message).toContain('authority: CN=Revocation Test Intermediate');
    // Java does not check revocation by default: the chain itself is still one a default JVM accepts.
    expect(report.trusted).toBe(true);
  });

  it('believes an answer signed by a delegated OCSP responder the issuer certified', async () => {
    const { root, intermediate } = await ca();
    const delegate = await issue(intermediate, { cn: 'Revocation Test OCSP', extendedKeyUsages: ['1.3.6.1.5.5.7.3.9'] });
    const statuses = new Map<string, TestStatus>();
    const responder = track(await ocspResponder(intermediate, statuses, { signer: delegate }));
    const leaf = await leafFor(intermediate, { ocspUrl: responder.url });
    statuses.set(serialOf(leaf), { revokedAt: new Date(Date.now() - 60_000) });
    const report = await checkLeaf(root, leaf, intermediate);
    expect(report.revocation).toMatchObject({ status: 'revoked', source: 'ocsp' });
  });

  it('ignores an answer signed by anyone else: unknown, and the verdict stays ok', async () => {
    const { root, intermediate } = await ca();
    const stranger = await selfSigned({ cn: 'Not The Issuer', ca: true });
    const statuses = new Map<string, TestStatus>();
    const responder = track(await ocspResponder(intermediate, statuses, { signer: stranger }));
    const leaf = await leafFor(intermediate, { ocspUrl: responder.url });
    statuses.set(serialOf(leaf), { revokedAt: new Date() });
    const report = await checkLeaf(root, leaf, intermediate);
    expect(report.verdict).toBe('ok');
    expect(report.revocation?.status).toBe('unknown');
    expect(report.revocation?.message).toContain('not signed by the issuer or its OCSP responder');
  });

  it('treats an out-of-date answer as unknown', async () => {
    const { root, intermediate } = await ca();
    const statuses = new Map<string, TestStatus>();
    const past = new Date(Date.now() - 10 * 86_400_000);
    const responder = track(await ocspResponder(intermediate, statuses, { thisUpdate: past, nextUpdate: new Date(past.getTime() + 86_400_000) }));
    const leaf = await leafFor(intermediate, { ocspUrl: responder.url });
    statuses.set(serialOf(leaf), 'good');
    const report = await checkLeaf(root, leaf, intermediate);
    expect(report.revocation).toMatchObject({ status: 'unknown', source: null });
    expect(report.revocation?.message).toContain('out of date');
  });

  it('uses the stapled answer without asking the responder', async () => {
    const { root, intermediate } = await ca();
    const { responder, leaf } = await withResponder(intermediate, () => 'good');
    const stapled = () =>
      ocspResponse(certIdFor(leaf, intermediate), { revokedAt: new Date(Date.now() - 60_000), reason: CRLReasons.superseded }, intermediate);
    const server = track(await staplingServer(leaf.keyPem, leaf.pem + intermediate.pem, stapled));
    const report = await checkLeaf(root, leaf, intermediate, { port: server.port });
    expect(report).toMatchObject({ verdict: 'revoked', revocation: { status: 'revoked', source: 'stapled', reason: 'superseded' } });
    expect(responder.hits()).toBe(0);
  });

  it("gives up on a responder that never answers within the check's deadline: unknown, verdict unchanged", async () => {
    const { root, intermediate } = await ca();
    const hanging = track(await silentServer());
    const leaf = await leafFor(intermediate, { ocspUrl: `http://127.0.0.1:${String(hanging.port)}/ocsp` });
    const port = await serve(leaf.keyPem, leaf.pem, intermediate.pem);
    const report = await checkEndpoint(
      { host: '127.0.0.1', port, protocol: 'https', servername: 'localhost' },
      { trust: createTrustContext(fixedTrustStore(root.pem), { outbound: { allowLoopback: true } }), timeoutMs: 2000 },
    );
    expect(report.verdict).toBe('ok');
    expect(report.revocation).toMatchObject({ status: 'unknown', source: null });
    expect(report.revocation?.message).toContain(`could not reach http://127.0.0.1:${String(hanging.port)}/ocsp`);
  });

  it('skips revocation with revocation: false (--no-revocation)', async () => {
    const { root, intermediate } = await ca();
    const { responder, leaf } = await withResponder(intermediate, () => ({ revokedAt: new Date() }));
    const report = await checkLeaf(root, leaf, intermediate, { revocation: false });
    expect(report.verdict).toBe('ok');
    expect(report.revocation).toBeUndefined();
    expect(responder.hits()).toBe(0);
  });
});

describe('revocation by CRL', () => {
  /** A leaf whose CRL distribution point is a loopback server publishing the intermediate's CRL of `revoked(leaf)`. */
  async function crlWorld(revoked: (leaf: Issued) => Parameters<typeof crlOf>[1], ocspUrl?: string) {
    const { root, intermediate } = await ca();
    const crlServer = track(await mutableFileServer());
    const leaf = await leafFor(intermediate, { crlUrl: crlServer.url('/intermediate.crl'), ...(ocspUrl === undefined ? {} : { ocspUrl }) });
    crlServer.set(await crlOf(intermediate, revoked(leaf)));
    return { root, intermediate, leaf, crlServer };
  }

  it("reports good when the issuer's CRL does not list the certificate", async () => {
    const { root, intermediate, leaf, crlServer } = await crlWorld(() => [{ serial: '0badc0de' }]);
    const report = await checkLeaf(root, leaf, intermediate);
    expect(report).toMatchObject({ verdict: 'ok', revocation: { status: 'good', source: 'crl' } });
    expect(crlServer.hits()).toBe(1);
  });

  it('reports revoked with the reason when the CRL lists the serial', async () => {
    const { root, intermediate, leaf } = await crlWorld((l) => [{ serial: l.cert.serialNumber, reason: x509.X509CrlReason.cessationOfOperation }]);
    const report = await checkLeaf(root, leaf, intermediate);
    expect(report).toMatchObject({ verdict: 'revoked', revocation: { status: 'revoked', source: 'crl', reason: 'cessationOfOperation' } });
    expect(report.message).toContain('reason: CESSATION_OF_OPERATION');
  });

  it('downloads a CRL once for the endpoints that share it', async () => {
    const { root, intermediate, leaf, crlServer } = await crlWorld(() => []);
    const trust = createTrustContext(fixedTrustStore(root.pem), { outbound: { allowLoopback: true } });
    const sibling = await leafFor(intermediate, { crlUrl: crlServer.url('/intermediate.crl') });
    for (const each of [leaf, sibling]) {
      const port = await serve(each.keyPem, each.pem, intermediate.pem);
      const report = await checkEndpoint({ host: '127.0.0.1', port, protocol: 'https', servername: 'localhost' }, { trust, timeoutMs: 5000 });
      expect(report.revocation).toMatchObject({ status: 'good', source: 'crl' });
    }
    expect(crlServer.hits()).toBe(1);
  });

  it('reads a PEM CRL too', async () => {
    const { root, intermediate, leaf, crlServer } = await crlWorld((l) => [{ serial: l.cert.serialNumber }]);
    const der = crlServer.body();
    crlServer.set(new TextEncoder().encode(x509.PemConverter.encode(der.slice().buffer, 'X509 CRL')));
    const report = await checkLeaf(root, leaf, intermediate);
    expect(report.revocation).toMatchObject({ status: 'revoked', source: 'crl' });
  });

  it('falls back to the CRL when the OCSP responder does not answer', async () => {
    const down = await mutableFileServer();
    const ocspUrl = down.url('/ocsp');
    await down.close();
    const { root, intermediate, leaf } = await crlWorld((l) => [{ serial: l.cert.serialNumber, reason: x509.X509CrlReason.keyCompromise }], ocspUrl);
    const report = await checkLeaf(root, leaf, intermediate);
    expect(report.revocation).toMatchObject({ status: 'revoked', source: 'crl', reason: 'keyCompromise' });
  });

  it('does not believe a CRL signed by another key: unknown, verdict unchanged', async () => {
    const { root, intermediate, leaf, crlServer } = await crlWorld(() => []);
    const impostor = await selfSigned({ cn: 'Revocation Test Intermediate', ca: true });
    crlServer.set(await crlOf(impostor, [{ serial: leaf.cert.serialNumber }]));
    const report = await checkLeaf(root, leaf, intermediate);
    expect(report.verdict).toBe('ok');
    expect(report.revocation?.status).toBe('unknown');
    expect(report.revocation?.message).toContain("not signed by the certificate's issuer");
  });

  it('says unknown, and keeps the verdict, when the certificate names no OCSP responder and no CRL', async () => {
    const { root, intermediate } = await ca();
    const leaf = await leafFor(intermediate);
    const report = await checkLeaf(root, leaf, intermediate);
    expect(report.verdict).toBe('ok');
    expect(report.revocation).toEqual({
      status: 'unknown',
      source: null,
      message: 'Revocation status unknown: the certificate names no OCSP responder and no CRL, and the server stapled no OCSP answer.',
    });
  });
});
