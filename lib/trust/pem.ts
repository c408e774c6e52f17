import { X509Certificate } from 'node:crypto';
import { InvalidCertificateError, PrivateKeyNotAllowedError, TooManyCertificatesError } from './errors.ts';

const CERT_BLOCK = /-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g;
/** Well above any real certificate chain; keeps a pasted blob from costing much. */
const MAX_PEM_CHARS = 256 * 1024;

/** Lower-case hex SHA-256 of the DER: the id of a truststore entry. */
export function fingerprintSha256(cert: X509Certificate): string {
  return cert.fingerprint256.replaceAll(':', '').toLowerCase();
}

/** Every certificate in a PEM text, in order. Throws InvalidCertificateError when one does not parse. */
export function parsePemCertificates(text: string): X509Certificate[] {
  if (text.length > MAX_PEM_CHARS) throw new InvalidCertificateError(`the text is longer than ${String(MAX_PEM_CHARS)} characters`);
  if (/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(text)) throw new PrivateKeyNotAllowedError();
  const blocks = text.match(CERT_BLOCK) ?? [];
  return blocks.map((block, index) => {
    try {
      return new X509Certificate(block);
    } catch (error) {
      throw new InvalidCertificateError(`certificate ${String(index + 1)} in the text does not parse`, { cause: error });
    }
  });
}

/** Exactly one certificate from a PEM text (a truststore entry). */
export function parseSinglePem(text: string): X509Certificate {
  const certs = parsePemCertificates(text);
  const [first] = certs;
  if (first === undefined) throw new InvalidCertificateError('no "-----BEGIN CERTIFICATE-----" block was found');
  if (certs.length > 1) throw new TooManyCertificatesError(certs.length);
  return first;
}

/** The certificate's PEM with a trailing newline, so concatenations stay valid. */
export function toPem(cert: X509Certificate): string {
  const pem = cert.toString();
  return pem.endsWith('\n') ? pem : `${pem}\n`;
}

/** The most telling part of a distinguished name (CN, else O, else the whole DN), for aliases and tables. */
export function commonName(dn: string): string {
  const lines = dn.split('\n');
  const pick = (key: string) => lines.find((l) => l.startsWith(`${key}=`))?.slice(key.length + 1);
  return pick('CN') ?? pick('O') ?? dn.replaceAll('\n', ', ');
}
