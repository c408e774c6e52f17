import { X509Certificate } from 'node:crypto';
import { rootCertificates } from 'node:tls';
import { fingerprintSha256 } from '../trust/index.ts';

/** Where an anchor comes from: Node's Mozilla bundle, the managed truststore, or `--ca-file`. */
export type AnchorOrigin = 'root-store' | 'truststore' | 'ca-file';

export interface Anchor {
  readonly cert: X509Certificate;
  readonly origin: AnchorOrigin;
  readonly fingerprint: string;
}

/** Trust anchors indexed for path building; every entry is an anchor, as in a Java truststore. */
export interface AnchorSet {
  /** The anchor that is exactly this certificate (same DER), if any. */
  exact(cert: X509Certificate): Anchor | undefined;
  /** An anchor that issued and signed `cert`, if any. */
  issuerOf(cert: X509Certificate, signatureKnownGood?: boolean): Anchor | undefined;
}

const nodeRoots = new Set(rootCertificates);
const cache = new WeakMap<readonly string[], AnchorSet>();
const noExtra: ReadonlySet<string> = new Set();

const selfSignedCache = new WeakMap<X509Certificate, boolean>();

/** True when the certificate names itself as issuer and its own key verifies it (CA or not). */
export function isSelfSigned(cert: X509Certificate): boolean {
  // Anchors are the same objects check after check: verify each root's signature once.
  let known = selfSignedCache.get(cert);
  if (known === undefined) {
    // checkIssued would also demand keyCertSign, which a self-signed server certificate often lacks.
    known = cert.subject === cert.issuer && cert.verify(cert.publicKey);
    selfSignedCache.set(cert, known);
  }
  return known;
}

/**
 * True when `issuer` issued `cert` (names and key identifiers) and, unless `signatureKnownGood`,
 * its key verifies the signature.
 */
export function issued(issuer: X509Certificate, cert: X509Certificate, signatureKnownGood = false): boolean {
  return cert.checkIssued(issuer) && (signatureKnownGood || cert.verify(issuer.publicKey));
}

/**
 * Parses PEM anchors (TrustContext.ca() plus any extra) once per array: the trust context
 * hands out the same array while its cache is fresh, so a scheduled run parses the roots once.
 * `caFile` holds the PEMs that came from `--ca-file`, so a report can name the true source.
 */
export function anchorSet(pems: readonly string[], caFile: ReadonlySet<string> = noExtra): AnchorSet {
  const cached = cache.get(pems);
  if (cached !== undefined) return cached;
  const byFingerprint = new Map<string, Anchor>();
  const bySubject = new Map<string, Anchor[]>();
  for (const pem of pems) {
    let cert: X509Certificate;
    try {
      cert = new X509Certificate(pem);
    } catch {
      continue; // The truststore validates on add; an unreadable anchor simply anchors nothing.
    }
    const anchor: Anchor = {
      cert,
      origin: nodeRoots.has(pem) ? 'root-store' : caFile.has(pem) ? 'ca-file' : 'truststore',
      fingerprint: fingerprintSha256(cert),
    };
    if (byFingerprint.has(anchor.fingerprint)) continue;
    byFingerprint.set(anchor.fingerprint, anchor);
    bySubject.set(cert.subject, [...(bySubject.get(cert.subject) ?? []), anchor]);
  }
  const set: AnchorSet = {
    exact: (cert) => byFingerprint.get(fingerprintSha256(cert)),
    issuerOf: (cert, signatureKnownGood) => bySubject.get(cert.issuer)?.find((anchor) => issued(anchor.cert, cert, signatureKnownGood)),
  };
  cache.set(pems, set);
  return set;
}
