import { TrustError } from './errors.ts';
import { fingerprintSha256, parsePemCertificates, toPem } from './pem.ts';
import type { TrustEntry, TrustStore } from './ports.ts';
import { defaultAlias } from './trust-store.ts';

/** A read-only truststore over PEM text (`certs check --ca-file`, tests); any number of certificates. */
export function fixedTrustStore(pemText = ''): TrustStore {
  const entries: TrustEntry[] = parsePemCertificates(pemText).map((cert) => {
    const fingerprint = fingerprintSha256(cert);
    return {
      fingerprintSha256: fingerprint,
      alias: defaultAlias(cert.subject, fingerprint),
      subject: cert.subject.replaceAll('\n', ', '),
      issuer: cert.issuer.replaceAll('\n', ', '),
      notAfter: new Date(cert.validTo).toISOString(),
      pem: toPem(cert),
      addedAt: new Date(0).toISOString(),
    };
  });
  const readOnly = () => Promise.reject(new TrustError('This truststore is read-only (it comes from a file given on the command line).'));
  return { add: readOnly, remove: readOnly, list: () => Promise.resolve([...entries]) };
}
