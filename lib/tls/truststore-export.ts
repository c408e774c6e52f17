import forge from 'node-forge';
import { type TrustEntry, parseSinglePem } from '../trust/index.ts';
import type { ExportFormat } from './options.ts';

export { EXPORT_FORMATS, type ExportFormat } from './options.ts';

/** The password Java tools assume for truststores; a truststore holds no secret, only public certificates. */
export const TRUSTSTORE_PASSWORD = 'changeit';

const { asn1, pki } = forge;
const OID = {
  data: pki.oids.data ?? '1.2.840.113549.1.7.1',
  certBag: '1.2.840.113549.1.12.10.1.3',
  x509Certificate: '1.2.840.113549.1.9.22.1',
  friendlyName: '1.2.840.113549.1.9.20',
  sha1: '1.3.14.3.2.26',
  // Oracle's "trusted key usage" bag attribute: without it Java's PKCS12 KeyStore skips a
  // certificate-only entry instead of treating it as a trustedCertEntry (JDK-8181295).
  javaTrustedKeyUsage: '2.16.840.1.113894.746875.1.1',
  anyExtendedKeyUsage: '2.5.29.37.0',
};
const MAC_ITERATIONS = 10_000;

/** Every entry as one PEM bundle, each block preceded by its alias and subject. */
export function exportPem(entries: readonly TrustEntry[]): string {
  return entries.map((entry) => `# ${entry.alias}: ${entry.subject}\n${entry.pem.endsWith('\n') ? entry.pem : `${entry.pem}\n`}`).join('');
}

const seq = (items: forge.asn1.Asn1[]) => asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, items);
const set = (items: forge.asn1.Asn1[]) => asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SET, true, items);
const oid = (value: string) => asn1.create(asn1.Class.UNIVERSAL, asn1.Type.OID, false, asn1.oidToDer(value).getBytes());
const octets = (bytes: string) => asn1.create(asn1.Class.UNIVERSAL, asn1.Type.OCTETSTRING, false, bytes);
// [0] EXPLICIT: context-specific tag number 0, which forge's Type enum calls NONE.
const explicit0 = (inner: forge.asn1.Asn1) => asn1.create(asn1.Class.CONTEXT_SPECIFIC, asn1.Type.NONE, true, [inner]);
const der = (node: forge.asn1.Asn1) => asn1.toDer(node).getBytes();

function certBag(entry: TrustEntry): forge.asn1.Asn1 {
  const certDer = parseSinglePem(entry.pem).raw.toString('latin1');
  return seq([
    oid(OID.certBag),
    explicit0(seq([oid(OID.x509Certificate), explicit0(octets(certDer))])),
    set([
      seq([oid(OID.friendlyName), set([asn1.create(asn1.Class.UNIVERSAL, asn1.Type.BMPSTRING, false, entry.alias)])]),
      seq([oid(OID.javaTrustedKeyUsage), set([oid(OID.anyExtendedKeyUsage)])]),
    ]),
  ]);
}

/**
 * A PKCS#12 truststore Java reads through `-Djavax.net.ssl.trustStore` (type PKCS12, password
 * `changeit`): one trustedCertEntry per entry under its alias. The certificates are not
 * encrypted (they are public), so Java also reads the file without a password; the MAC uses
 * HMAC-SHA1, which every Java 8+ verifies.
 */
export function exportPkcs12(entries: readonly TrustEntry[], password = TRUSTSTORE_PASSWORD): Buffer {
  const safeContents = seq(entries.map(certBag));
  const authSafe = seq([seq([oid(OID.data), explicit0(octets(der(safeContents)))])]);
  const authSafeDer = der(authSafe);
  const salt = forge.random.getBytesSync(20);
  const key = forge.pkcs12.generateKey(password, forge.util.createBuffer(salt), 3, MAC_ITERATIONS, 20);
  const hmac = forge.hmac.create();
  hmac.start('sha1', key);
  hmac.update(authSafeDer);
  const macData = seq([
    seq([seq([oid(OID.sha1), asn1.create(asn1.Class.UNIVERSAL, asn1.Type.NULL, false, '')]), octets(hmac.digest().getBytes())]),
    octets(salt),
    asn1.create(asn1.Class.UNIVERSAL, asn1.Type.INTEGER, false, asn1.integerToDer(MAC_ITERATIONS).getBytes()),
  ]);
  const pfx = seq([
    asn1.create(asn1.Class.UNIVERSAL, asn1.Type.INTEGER, false, asn1.integerToDer(3).getBytes()),
    seq([oid(OID.data), explicit0(octets(authSafeDer))]),
    macData,
  ]);
  return Buffer.from(der(pfx), 'latin1');
}

/** The truststore in `format`: PEM text or PKCS#12 bytes. */
export function exportTruststore(entries: readonly TrustEntry[], format: ExportFormat): Buffer {
  return format === 'pem' ? Buffer.from(exportPem(entries), 'utf8') : exportPkcs12(entries);
}
