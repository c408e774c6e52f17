import type { X509Certificate } from 'node:crypto';
import { AsnConvert } from '@peculiar/asn1-schema';
import { CertificateList, CRLReason, id_ce_cRLReasons } from '@peculiar/asn1-x509';
import { certificateAsn, derOf, serialHex, serialInteger } from './cert-asn1.ts';
import { CRL_REASONS, staleness, type RevocationAnswer } from './revocation-types.ts';
import { verifiesWith } from './signature.ts';

/** A CRL as DER or as PEM ("-----BEGIN X509 CRL-----"). */
const crlDer = (body: Uint8Array) => derOf(body, 'X509 CRL');

/** Until when a CRL may be reused (its nextUpdate); undefined when the body is not a CRL or names no next update. */
export function crlNextUpdate(body: Uint8Array): number | undefined {
  try {
    return AsnConvert.parse(crlDer(body), CertificateList).tbsCertList.nextUpdate?.getTime().getTime();
  } catch {
    return undefined;
  }
}

/**
 * What a CRL says about `leaf`: only a CRL of its issuer's name, signed with the issuer's key and
 * current at `now`, counts. Indirect CRLs and delta CRLs are not followed (their absence is "unknown",
 * never "good", because only a listed serial is news).
 */
export function readCrl(body: Uint8Array, leaf: X509Certificate, issuer: X509Certificate, now: number): RevocationAnswer {
  let crl: CertificateList;
  try {
    crl = AsnConvert.parse(crlDer(body), CertificateList);
  } catch (error) {
    return { status: 'unknown', why: `the answer is not a CRL (${(error as Error).message})` };
  }
  const { tbsCertList } = crl;
  const issuerName = Buffer.from(AsnConvert.serialize(certificateAsn(issuer).tbsCertificate.subject));
  if (!issuerName.equals(Buffer.from(AsnConvert.serialize(tbsCertList.issuer))))
    return { status: 'unknown', why: "the CRL is not published by the certificate's issuer" };
  const signed = crl.tbsCertListRaw ?? AsnConvert.serialize(tbsCertList);
  if (!verifiesWith(crl.signatureAlgorithm, signed, crl.signature, issuer.publicKey))
    return { status: 'unknown', why: "the CRL is not signed by the certificate's issuer" };
  const stale = staleness(tbsCertList.thisUpdate.getTime(), tbsCertList.nextUpdate?.getTime(), now, 'CRL');
  if (stale !== undefined) return { status: 'unknown', why: stale };
  const serial = serialHex(serialInteger(leaf));
  const entry = tbsCertList.revokedCertificates?.find((candidate) => serialHex(candidate.userCertificate) === serial);
  if (entry === undefined) return { status: 'good' };
  const reasonExtension = entry.crlEntryExtensions?.find((ext) => ext.extnID === id_ce_cRLReasons);
  const code = reasonExtension === undefined ? undefined : AsnConvert.parse(reasonExtension.extnValue, CRLReason).reason;
  return {
    status: 'revoked',
    revokedAt: entry.revocationDate.getTime(),
    ...(code === undefined ? {} : { reason: CRL_REASONS[code] ?? `reason ${String(code)}` }),
  };
}
