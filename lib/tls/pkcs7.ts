import type { X509Certificate } from 'node:crypto';
import { ContentInfo, id_signedData, SignedData } from '@peculiar/asn1-cms';
import { AsnConvert } from '@peculiar/asn1-schema';
import { derOf, nodeCertificate } from './cert-asn1.ts';

/**
 * The certificates of a "certs-only" PKCS#7 / CMS SignedData (`.p7c`, as Active Directory Certificate
 * Services and several public CAs answer AIA requests), DER or PEM; undefined when `body` is not one.
 */
export function pkcs7Certificates(body: Uint8Array): X509Certificate[] | undefined {
  const der = derOf(body, 'PKCS7');
  try {
    const info = AsnConvert.parse(der, ContentInfo);
    if (info.contentType !== id_signedData) return undefined;
    const signed = AsnConvert.parse(info.content, SignedData);
    const choices = signed.certificates === undefined ? [] : Array.from(signed.certificates);
    return choices.flatMap((choice) => (choice.certificate === undefined ? [] : [nodeCertificate(choice.certificate)]));
  } catch {
    return undefined;
  }
}

/**
 * The most specific certificate of a bundle: the one that issued none of the others. An AIA
 * bundle holds the wanted issuer, sometimes with the CAs above it, in no promised order.
 */
export function lowestOf(certs: readonly X509Certificate[]): X509Certificate | undefined {
  return (
    certs.find(
      (candidate) => !certs.some((other) => other !== candidate && other.checkIssued(candidate) && other.fingerprint256 !== candidate.fingerprint256),
    ) ?? certs[0]
  );
}
