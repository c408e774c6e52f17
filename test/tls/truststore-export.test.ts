import { X509Certificate } from 'node:crypto';
import forge from 'node-forge';
import { describe, expect, it } from 'vitest';
import { exportPem, exportPkcs12 } from '../../lib/tls/index.ts';
import { fixedTrustStore, parsePemCertificates } from '../../lib/trust/index.ts';
import { selfSigned } from '../support/tls/pki.ts';

async function entries() {
  const a = await selfSigned({ cn: 'First' });
  const b = await selfSigned({ cn: 'Second', ca: true });
  return fixedTrustStore(a.pem + b.pem).list();
}

function readPkcs12(bytes: Buffer, password: string) {
  const p12 = forge.pkcs12.pkcs12FromAsn1(forge.asn1.fromDer(bytes.toString('latin1')), true, password);
  return p12.getBags({ bagType: forge.pki.oids.certBag ?? '1.2.840.113549.1.12.10.1.3' })[forge.pki.oids.certBag ?? ''] ?? [];
}

describe('truststore export', () => {
  it('writes every entry into one PEM bundle that parses back', async () => {
    const list = await entries();
    const pem = exportPem(list);
    expect(parsePemCertificates(pem).map((c) => c.fingerprint256.replaceAll(':', '').toLowerCase())).toEqual(list.map((e) => e.fingerprintSha256));
    expect(pem).toContain(`# ${list[0]?.alias ?? ''}: CN=First`);
  });

  it('writes a PKCS#12 whose MAC verifies with changeit and holds each certificate under its alias', async () => {
    const list = await entries();
    const bags = readPkcs12(exportPkcs12(list), 'changeit');
    expect(bags.map((bag) => (bag.attributes as Record<string, string[] | undefined>).friendlyName?.[0])).toEqual(list.map((e) => e.alias));
    // forge cannot read ECDSA certificates, so it leaves them as ASN.1 for us.
    const ders = bags.map((bag) => Buffer.from(forge.asn1.toDer(bag.asn1).getBytes(), 'latin1'));
    expect(ders.map((der) => new X509Certificate(der).subject)).toEqual(['CN=First', 'CN=Second']);
  });

  it('marks each certificate as trusted for Java with the Oracle trusted-key-usage attribute', async () => {
    const bytes = exportPkcs12(await entries()).toString('latin1');
    const trustedUsage = forge.asn1.oidToDer('2.16.840.1.113894.746875.1.1').getBytes();
    expect(bytes.split(trustedUsage)).toHaveLength(3);
  });

  it('refuses a wrong password, proving the MAC is there', async () => {
    const bytes = exportPkcs12(await entries());
    expect(() => readPkcs12(bytes, 'wrong')).toThrow(/MAC/i);
  });
});
