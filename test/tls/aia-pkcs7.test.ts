import 'reflect-metadata';
import { describe, expect, it, vi } from 'vitest';
import { CertificateChoices, CMSVersion, CertificateSet, ContentInfo, EncapsulatedContentInfo, id_data, id_signedData, SignedData } from '@peculiar/asn1-cms';
import { AsnConvert } from '@peculiar/asn1-schema';
import { Certificate } from '@peculiar/asn1-x509';
import * as x509 from '@peculiar/x509';
import { checkEndpoint } from '../../lib/tls/check.ts';
import { createTrustContext, fixedTrustStore } from '../../lib/trust/index.ts';
import { issue, selfSigned, type Issued } from '../support/tls/pki.ts';
import { mutableFileServer } from '../support/tls/revocation.ts';
import { serve, track } from './helpers.ts';

vi.stubEnv('TRUSTLINE_DEV_ALLOW_LOOPBACK_HTTP', '1');

/** A "certs-only" PKCS#7 SignedData (what `openssl crl2pkcs7 -nocrl` writes and AD CS serves as .p7c). */
function p7c(certs: readonly Issued[]): Uint8Array {
  const signed = new SignedData({
    version: CMSVersion.v1,
    encapContentInfo: new EncapsulatedContentInfo({ eContentType: id_data }),
    certificates: new CertificateSet(certs.map((c) => new CertificateChoices({ certificate: AsnConvert.parse(c.cert.rawData, Certificate) }))),
  });
  return new Uint8Array(AsnConvert.serialize(new ContentInfo({ contentType: id_signedData, content: AsnConvert.serialize(signed) })));
}

/** root → intermediate → leaf; the server sends only the leaf, whose AIA points at a .p7c on loopback. */
async function incompleteChain(body: (root: Issued, intermediate: Issued) => Uint8Array) {
  const root = await selfSigned({ cn: 'P7C Test Root', ca: true });
  const intermediate = await issue(root, { cn: 'P7C Test Intermediate', ca: true });
  const aia = track(await mutableFileServer());
  aia.set(body(root, intermediate));
  const leaf = await issue(intermediate, { cn: 'localhost', dns: ['localhost'], caIssuersUrl: aia.url('/intermediate.p7c') });
  const report = await checkEndpoint(
    { host: '127.0.0.1', port: await serve(leaf.keyPem, leaf.pem), protocol: 'https', servername: 'localhost' },
    { trust: createTrustContext(fixedTrustStore(root.pem), { outbound: { allowLoopback: true } }), revocation: false },
  );
  return { report, intermediate };
}

describe('AIA answers in PKCS#7 (.p7c)', () => {
  it('completes the chain from a DER .p7c holding the intermediate', async () => {
    const { report, intermediate } = await incompleteChain((_root, i) => p7c([i]));
    expect(report.verdict).toBe('incomplete-chain');
    expect(report.chain.map((c) => [c.subject, c.source])).toEqual([
      ['CN=localhost', 'server'],
      ['CN=P7C Test Intermediate', 'aia'],
      ['CN=P7C Test Root', 'truststore'],
    ]);
    expect(report.fix?.pem).toBe(intermediate.pem);
  });

  it('picks the intermediate from a PEM "BEGIN PKCS7" bundle that lists the root first', async () => {
    const { report } = await incompleteChain((root, i) => new TextEncoder().encode(x509.PemConverter.encode(p7c([root, i]).slice().buffer, 'PKCS7')));
    expect(report.verdict).toBe('incomplete-chain');
    expect(report.chain[1]).toMatchObject({ subject: 'CN=P7C Test Intermediate', source: 'aia' });
  });

  it('says the issuer could not be downloaded when the .p7c holds no certificate', async () => {
    const { report } = await incompleteChain(() => p7c([]));
    expect(report.verdict).toBe('unknown-ca');
    expect(report.message).toContain('Its issuer could not be downloaded');
  });
});
