import type { Revocation } from './revocation-types.ts';

/** Java's CRLReason names (java.security.cert.CRLReason), as CertificateRevokedException prints them. */
const JAVA_REASONS: Record<string, string> = {
  unspecified: 'UNSPECIFIED',
  keyCompromise: 'KEY_COMPROMISE',
  cACompromise: 'CA_COMPROMISE',
  affiliationChanged: 'AFFILIATION_CHANGED',
  superseded: 'SUPERSEDED',
  cessationOfOperation: 'CESSATION_OF_OPERATION',
  certificateHold: 'CERTIFICATE_HOLD',
  removeFromCRL: 'REMOVE_FROM_CRL',
  privilegeWithdrawn: 'PRIVILEGE_WITHDRAWN',
  aACompromise: 'AA_COMPROMISE',
};

/**
 * What the JVM does with a revoked certificate: by default nothing (it never checks), and with
 * revocation checking switched on, CertificateRevokedException's own wording inside the PKIX failure.
 */
export function javaOnRevoked(revocation: Revocation, issuerDn: string): string {
  const reason = JAVA_REASONS[revocation.reason ?? 'unspecified'] ?? 'UNSPECIFIED';
  return (
    'A JVM checks revocation only when started with -Dcom.sun.net.ssl.checkRevocation=true (plus the security property ' +
    'ocsp.enable=true to ask OCSP responders, or -Dcom.sun.security.enableCRLDP=true to download CRLs); without them it connects ' +
    'to a revoked certificate without a word. With them it fails with "PKIX path validation failed: ' +
    `java.security.cert.CertPathValidatorException: Certificate has been revoked, reason: ${reason}, revocation date: …, authority: ${issuerDn}, extension OIDs: []".`
  );
}

/** The sentence for a revoked leaf: when, why, who said so, what Java does, and the fix. */
export function revokedSentence(revocation: Revocation, leafName: string, issuerDn: string): string {
  return (
    `The certificate "${leafName}" has been revoked by its issuer: ${revocation.message} ${javaOnRevoked(revocation, issuerDn)} ` +
    'The server needs a new certificate; revocation cannot be undone.'
  );
}
