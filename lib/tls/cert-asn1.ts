import { createHash, X509Certificate } from 'node:crypto';
import { AsnConvert } from '@peculiar/asn1-schema';
import { Certificate, CRLDistributionPoints, id_ce_cRLDistributionPoints } from '@peculiar/asn1-x509';

/** The ASN.1 structure behind a Node certificate, for the fields Node does not expose (CRL pointers, raw names). */
export function certificateAsn(cert: X509Certificate): Certificate {
  return AsnConvert.parse(cert.raw, Certificate);
}

/** A certificate as Node's X509Certificate, from its ASN.1 structure (e.g. one embedded in an OCSP response). */
export function nodeCertificate(cert: Certificate): X509Certificate {
  return new X509Certificate(Buffer.from(AsnConvert.serialize(cert)));
}

/** The DER inside the first PEM block labelled `label` ("X509 CRL", "PKCS7"), or `body` itself when it holds none. */
export function derOf(body: Uint8Array, label: string): Uint8Array {
  const match = new RegExp(`-----BEGIN ${label}-----([\\s\\S]*?)-----END ${label}-----`).exec(Buffer.from(body).toString('latin1'));
  return match?.[1] === undefined ? body : Buffer.from(match[1].replace(/\s+/g, ''), 'base64');
}

/** The OCSP responder URLs of a certificate's Authority Information Access extension. */
export function ocspUrls(cert: X509Certificate): string[] {
  return (cert.infoAccess ?? '')
    .split('\n')
    .map((line) => /^OCSP - URI:(\S+)$/.exec(line.trim())?.[1])
    .filter((url): url is string => url !== undefined && /^https?:\/\//i.test(url));
}

/** The http(s) URLs of a certificate's CRL distribution points (LDAP pointers are not followed). */
export function crlUrls(cert: X509Certificate): string[] {
  const extension = certificateAsn(cert).tbsCertificate.extensions?.find((ext) => ext.extnID === id_ce_cRLDistributionPoints);
  if (extension === undefined) return [];
  const points = AsnConvert.parse(extension.extnValue, CRLDistributionPoints);
  return points
    .flatMap((point) => point.distributionPoint?.fullName ?? [])
    .map((name) => name.uniformResourceIdentifier)
    .filter((url): url is string => url !== undefined && /^https?:\/\//i.test(url));
}

/** An INTEGER's bytes without the sign padding, as lowercase hex: serial numbers compare on this. */
export function serialHex(bytes: ArrayBuffer | Uint8Array): string {
  return Buffer.from(bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes))
    .toString('hex')
    .replace(/^(00)+(?=.)/, '');
}

/** A certificate's serial number as the contents of a DER INTEGER (a leading zero keeps it positive). */
export function serialInteger(cert: X509Certificate): ArrayBuffer {
  const hex = cert.serialNumber.length % 2 === 0 ? cert.serialNumber : `0${cert.serialNumber}`;
  const bytes = Buffer.from(hex, 'hex');
  const positive = (bytes[0] ?? 0) >= 0x80 ? Buffer.concat([Buffer.from([0]), bytes]) : bytes;
  return new Uint8Array(positive).buffer;
}

export const hash = (algorithm: string, data: ArrayBuffer | Uint8Array): Buffer =>
  createHash(algorithm)
    .update(data instanceof Uint8Array ? data : new Uint8Array(data))
    .digest();
