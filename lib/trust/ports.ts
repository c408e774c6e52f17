import type { OutboundPolicy } from './outbound-policy.ts';

/** One certificate in the managed truststore: an anchor with Java semantics (any entry is trusted). */
export interface TrustEntry {
  /** Lower-case hex SHA-256 of the DER; also the entry's id. */
  readonly fingerprintSha256: string;
  readonly alias: string;
  readonly subject: string;
  readonly issuer: string;
  readonly notAfter: string;
  readonly pem: string;
  readonly addedAt: string;
}

/** The managed truststore (entries live in the metadata store, kind `trust`). */
export interface TrustStore {
  add(pem: string, alias?: string): Promise<TrustEntry>;
  list(): Promise<TrustEntry[]>;
  remove(fingerprintSha256: string): Promise<boolean>;
  /**
   * Optional: calls `listener` after every add or remove made through this instance, so the
   * trust context in the same process refreshes at once instead of waiting for its cache to age.
   * Returns a function that unsubscribes.
   */
  onChange?(listener: () => void): () => void;
}

/**
 * THE trust every outbound TLS connection of Trustline uses (OAuth token endpoints, mail
 * logins, key-server and AIA fetches, certificate checks): Node's root store plus the managed
 * entries. Built by lib/trust/tls-context.ts; never assembled per caller.
 */
export interface TrustContext {
  /** PEM anchors for `tls.connect({ ca })`: Node's roots plus every managed entry. */
  ca(): Promise<string[]>;
  /** A `fetch` whose TLS trusts exactly `ca()`, for endpoints an administrator configured, under the outbound policy. */
  readonly fetch: typeof globalThis.fetch;
  /** The same for URLs a checked certificate names (AIA, OCSP, CRL): loopback too is refused unless the development flag allows it. */
  readonly certificateFetch: typeof globalThis.fetch;
  /** The outbound policy both fetches apply; raw TCP callers (mail logins) check their address with it. */
  readonly outbound: OutboundPolicy;
}
