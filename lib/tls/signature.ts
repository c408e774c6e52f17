import { verify, type KeyObject } from 'node:crypto';
import type { AlgorithmIdentifier } from '@peculiar/asn1-x509';

/** Signature algorithms of OCSP responses and CRLs, by OID, as node:crypto's digest name (null: the key decides). */
const DIGESTS: Record<string, string | null> = {
  '1.2.840.113549.1.1.5': 'sha1',
  '1.2.840.113549.1.1.11': 'sha256',
  '1.2.840.113549.1.1.12': 'sha384',
  '1.2.840.113549.1.1.13': 'sha512',
  '1.2.840.10045.4.1': 'sha1',
  '1.2.840.10045.4.3.2': 'sha256',
  '1.2.840.10045.4.3.3': 'sha384',
  '1.2.840.10045.4.3.4': 'sha512',
  '1.3.101.112': null,
  '1.3.101.113': null,
};

/**
 * Whether `signature` over `data` verifies with `key` under the named X.509 algorithm. An
 * algorithm Trustline does not know (RSA-PSS, post-quantum) counts as not verified, so the
 * answer it protects stays "unknown" rather than trusted.
 */
export function verifiesWith(algorithm: AlgorithmIdentifier, data: ArrayBuffer, signature: ArrayBuffer, key: KeyObject): boolean {
  const digest = DIGESTS[algorithm.algorithm];
  if (digest === undefined) return false;
  try {
    // X.509 carries ECDSA signatures DER-encoded, which is node:crypto's default.
    return verify(digest, new Uint8Array(data), key, new Uint8Array(signature));
  } catch {
    return false;
  }
}
