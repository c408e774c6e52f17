/** Where a revocation answer came from: the server's stapled OCSP response, the issuer's OCSP responder, or its CRL. */
export type RevocationSource = 'stapled' | 'ocsp' | 'crl';

/** The `revocation` member of the `certs check --json` document (design.md). */
export interface Revocation {
  readonly status: 'good' | 'revoked' | 'unknown';
  readonly source: RevocationSource | null;
  /** RFC 5280 CRLReason name (e.g. `keyCompromise`) when the issuer gave one. */
  readonly reason?: string;
  readonly revokedAt?: string;
  /** Plain words: who answered, or why no one could. */
  readonly message: string;
}

/** What one source said about one certificate. */
export type RevocationAnswer =
  | { readonly status: 'good' }
  | { readonly status: 'revoked'; readonly revokedAt: Date; readonly reason?: string }
  | { readonly status: 'unknown'; readonly why: string };

/** RFC 5280 CRLReason codes by name, as the JSON reports them; Java prints the same in upper snake case. */
export const CRL_REASONS: Record<number, string> = {
  0: 'unspecified',
  1: 'keyCompromise',
  2: 'cACompromise',
  3: 'affiliationChanged',
  4: 'superseded',
  5: 'cessationOfOperation',
  6: 'certificateHold',
  8: 'removeFromCRL',
  9: 'privilegeWithdrawn',
  10: 'aACompromise',
};

/** Clock skew tolerated on thisUpdate / nextUpdate, as OCSP clients commonly allow. */
export const FRESHNESS_SKEW_MS = 5 * 60_000;

/** Why an answer dated thisUpdate..nextUpdate cannot be used at `now`, or undefined when it can. */
export function staleness(thisUpdate: Date, nextUpdate: Date | undefined, now: number, what: string): string | undefined {
  if (thisUpdate.getTime() > now + FRESHNESS_SKEW_MS) return `the ${what} is dated in the future (${thisUpdate.toISOString()})`;
  if (nextUpdate !== undefined && nextUpdate.getTime() < now - FRESHNESS_SKEW_MS)
    return `the ${what} is out of date (its next update was due ${nextUpdate.toISOString()})`;
  return undefined;
}
