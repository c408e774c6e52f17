import type { X509Certificate } from 'node:crypto';
import {
  BasicOCSPResponse,
  CertID,
  id_kp_OCSPSigning,
  id_pkix_ocsp_basic,
  OCSPRequest,
  OCSPResponse,
  OCSPResponseStatus,
  Request,
  TBSRequest,
  type SingleResponse,
} from '@peculiar/asn1-ocsp';
import { AsnConvert, OctetString } from '@peculiar/asn1-schema';
import { AlgorithmIdentifier, ExtendedKeyUsage, id_ce_extKeyUsage } from '@peculiar/asn1-x509';
import { certificateAsn, hash, nodeCertificate, serialHex, serialInteger } from './cert-asn1.ts';
import { CRL_REASONS, staleness, type RevocationAnswer } from './revocation-types.ts';
import { verifiesWith } from './signature.ts';

/** Hash algorithms a CertID may use; responders answer in the one they were asked in (SHA-1, RFC 6960 §4.1.1). */
const CERT_ID_HASHES: Record<string, string> = { '1.3.14.3.2.26': 'sha1', '2.16.840.1.101.3.4.2.1': 'sha256' };
const SHA1 = '1.3.14.3.2.26';

/** The issuer's name and key as a CertID hashes them. */
function issuerParts(issuer: X509Certificate) {
  const tbs = certificateAsn(issuer).tbsCertificate;
  return { name: AsnConvert.serialize(tbs.subject), key: tbs.subjectPublicKeyInfo.subjectPublicKey };
}

/** The DER OCSP request for `leaf` (RFC 6960 §4.1, SHA-1 CertID, no nonce so that cached answers are allowed). */
export function ocspRequest(leaf: X509Certificate, issuer: X509Certificate): Buffer {
  const { name, key } = issuerParts(issuer);
  const certID = new CertID({
    hashAlgorithm: new AlgorithmIdentifier({ algorithm: SHA1, parameters: null }),
    issuerNameHash: new OctetString(hash('sha1', name)),
    issuerKeyHash: new OctetString(hash('sha1', key)),
    serialNumber: serialInteger(leaf),
  });
  const request = new OCSPRequest({ tbsRequest: new TBSRequest({ requestList: [new Request({ reqCert: certID })] }) });
  return Buffer.from(AsnConvert.serialize(request));
}

function matches(id: CertID, leaf: X509Certificate, issuer: X509Certificate): boolean {
  const digest = CERT_ID_HASHES[id.hashAlgorithm.algorithm];
  if (digest === undefined) return false;
  const { name, key } = issuerParts(issuer);
  return (
    serialHex(id.serialNumber) === serialHex(serialInteger(leaf)) &&
    hash(digest, key).equals(Buffer.from(id.issuerKeyHash.buffer)) &&
    hash(digest, name).equals(Buffer.from(id.issuerNameHash.buffer))
  );
}

/** The issuer itself, or a delegated responder certificate it issued for OCSP signing (RFC 6960 §4.2.2.2). */
function signers(basic: BasicOCSPResponse, issuer: X509Certificate): X509Certificate[] {
  const delegates = (basic.certs ?? []).map(nodeCertificate).filter((cert) => {
    if (!cert.checkIssued(issuer) || !cert.verify(issuer.publicKey)) return false;
    const eku = certificateAsn(cert).tbsCertificate.extensions?.find((ext) => ext.extnID === id_ce_extKeyUsage);
    return eku !== undefined && AsnConvert.parse(eku.extnValue, ExtendedKeyUsage).includes(id_kp_OCSPSigning);
  });
  return [issuer, ...delegates];
}

function answer(single: SingleResponse): RevocationAnswer {
  const { certStatus } = single;
  if (certStatus.revoked !== undefined) {
    const code = certStatus.revoked.revocationReason?.reason;
    return {
      status: 'revoked',
      revokedAt: certStatus.revoked.revocationTime,
      ...(code === undefined ? {} : { reason: CRL_REASONS[code] ?? `reason ${String(code)}` }),
    };
  }
  if (certStatus.good !== undefined) return { status: 'good' };
  return { status: 'unknown', why: 'the responder does not know this certificate' };
}

/**
 * What a DER OCSPResponse says about `leaf`: only an answer signed by its issuer (or the
 * issuer's delegated responder), about this very certificate and current at `now`, counts.
 */
export function readOcspResponse(der: Uint8Array, leaf: X509Certificate, issuer: X509Certificate, now: number): RevocationAnswer {
  let response: OCSPResponse;
  let basic: BasicOCSPResponse;
  try {
    response = AsnConvert.parse(der, OCSPResponse);
    if (response.responseStatus !== OCSPResponseStatus.successful) {
      return { status: 'unknown', why: `the responder answered "${OCSPResponseStatus[response.responseStatus]}"` };
    }
    if (response.responseBytes?.responseType !== id_pkix_ocsp_basic) return { status: 'unknown', why: 'the answer is not a basic OCSP response' };
    basic = AsnConvert.parse(response.responseBytes.response, BasicOCSPResponse);
  } catch (error) {
    return { status: 'unknown', why: `the answer is not an OCSP response (${(error as Error).message})` };
  }
  const signed = basic.tbsResponseDataRaw ?? AsnConvert.serialize(basic.tbsResponseData);
  if (!signers(basic, issuer).some((signer) => verifiesWith(basic.signatureAlgorithm, signed, basic.signature, signer.publicKey))) {
    return { status: 'unknown', why: 'the answer is not signed by the issuer or its OCSP responder' };
  }
  const single = basic.tbsResponseData.responses.find((candidate) => matches(candidate.certID, leaf, issuer));
  if (single === undefined) return { status: 'unknown', why: 'the answer is about another certificate' };
  const stale = staleness(single.thisUpdate, single.nextUpdate, now, 'OCSP answer');
  return stale === undefined ? answer(single) : { status: 'unknown', why: stale };
}
