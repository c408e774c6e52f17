import { commonName, fingerprintSha256, toPem } from '../trust/index.ts';
import type { ChainCert } from './chain-analysis.ts';
import type { Protocol } from './protocols.ts';
import type { Revocation } from './revocation-types.ts';

/** design.md's verdicts, in the order a problem outranks another. */
export const VERDICTS = [
  'ok',
  'expiring',
  'expired',
  'not-yet-valid',
  'self-signed',
  'unknown-ca',
  'incomplete-chain',
  'hostname-mismatch',
  'revoked',
  'connect-failed',
  'tls-failed',
  'starttls-refused',
  'timeout',
] as const;
export type Verdict = (typeof VERDICTS)[number];

/** Where the anchor that makes the chain trusted comes from (design.md `anchorSource`). */
export type AnchorSource = 'node-roots' | 'managed-truststore' | 'ca-file';

/** The anchor sources a check consulted besides Node's roots; named when none of them anchors the chain. */
export interface TrustSources {
  /** False when the CLI could not read the managed truststore from Trustline. */
  readonly managed: boolean;
  readonly caFile: boolean;
}

/** One certificate of the `certs check --json` chain. */
export interface ChainEntry {
  readonly subject: string;
  readonly issuer: string;
  readonly notBefore: string;
  readonly notAfter: string;
  readonly daysLeft: number;
  readonly fingerprintSha256: string;
  readonly selfSigned: boolean;
  readonly pem: string;
  /** server: sent by the server; aia: downloaded from an AIA URL; root-store / truststore / ca-file: a trust anchor. */
  readonly source: ChainCert['source'];
}

/** What to do for the JVM: the anchor to import and the keytool command in both forms. */
export interface JvmFix {
  /** Exactly one certificate: keytool imports only the first certificate of a PEM file. */
  readonly pem: string;
  /** `keytool -importcert … -cacerts …` (Java 9+). */
  readonly keytool: string;
  /** The same with `-keystore <path to cacerts or a copy>`. */
  readonly keytoolKeystore: string;
  readonly alias: string;
  /** The file name the commands expect the PEM in. */
  readonly file: string;
  readonly anchor: { readonly subject: string; readonly fingerprintSha256: string };
  /** Why this certificate was chosen as the anchor. */
  readonly reason: string;
  /** What the server's administrator should change, when the real fix is on the server. */
  readonly serverFix?: string;
}

/** The `certs check --json` document (design.md), also the answer of POST /admin/endpoints/{id}/check. */
export interface CheckReport {
  readonly host: string;
  readonly port: number;
  readonly protocol: Protocol;
  readonly servername?: string;
  /** Would a JVM with this truststore accept the chain (anchored, non-anchor certificates within dates)? */
  readonly trusted: boolean;
  readonly verdict: Verdict;
  readonly message: string;
  readonly hostnameMatches: boolean;
  readonly earliestExpiry: string | null;
  readonly daysLeft: number | null;
  /** The source of the anchor that makes the chain trusted; null when nothing anchors it. */
  readonly anchorSource: AnchorSource | null;
  /** The path as built (leaf first), then any certificate the server sent that is not on it. */
  readonly chain: ChainEntry[];
  /** Fingerprints in the order the server sent its certificates. */
  readonly presented: string[];
  readonly fix?: JvmFix;
  /** Whether the issuer revoked the leaf; absent when the check was asked to skip it (`--no-revocation`). */
  readonly revocation?: Revocation;
  /** Every problem found, in plain words; `message` leads with the most important. */
  readonly problems: string[];
  /** Set when the check never reached a certificate: the stable code of the failure. */
  readonly error?: {
    readonly code: string;
    readonly message: string;
    readonly fix?: string;
    /** The `--protocol` that matches what the server speaks, when the check used another. */
    readonly protocol?: Protocol;
  };
  readonly checkedAt: string;
}

/** The `anchorSource` of an anchor's origin. */
export function anchorSource(origin: ChainCert['anchor']): AnchorSource | null {
  switch (origin) {
    case 'root-store':
      return 'node-roots';
    case 'truststore':
      return 'managed-truststore';
    case 'ca-file':
      return 'ca-file';
    default:
      return null;
  }
}

/** "CN=a, O=b" — one line, as tables and JSON show distinguished names. */
export const oneLineDn = (dn: string): string => dn.replaceAll('\n', ', ');

/** The short name of a certificate for sentences: its CN, else O, else the DN. */
export const shortName = (entry: ChainCert): string => commonName(entry.cert.subject);

export function chainEntry(entry: ChainCert): ChainEntry {
  return {
    subject: oneLineDn(entry.cert.subject),
    issuer: oneLineDn(entry.cert.issuer),
    notBefore: entry.notBefore.toISOString(),
    notAfter: entry.notAfter.toISOString(),
    daysLeft: entry.daysLeft,
    fingerprintSha256: fingerprintSha256(entry.cert),
    selfSigned: entry.selfSigned,
    pem: toPem(entry.cert),
    source: entry.source,
  };
}
