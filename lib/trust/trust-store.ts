import { type ItemSet, type MetadataStore, listAll } from '../store/index.ts';
import type { Clock } from '../clock.ts';
import { AliasTakenError } from './errors.ts';
import { commonName, fingerprintSha256, parseSinglePem, toPem } from './pem.ts';
import type { TrustEntry, TrustStore } from './ports.ts';

/** Metadata-store kind of truststore entries; the id is the SHA-256 fingerprint. */
export const TRUST_KIND = 'trust';
/** The table items the truststore keeps. */
export const TRUST_ITEMS: ItemSet = { kinds: [TRUST_KIND] };
/** A truststore of more than 10,000 anchors is a mistake; the bound keeps `list` finite. */
const MAX_ENTRIES = 10_000;

/** The managed truststore over the metadata store: one certificate per entry, idempotent adds. */
export function createTrustStore(metadata: MetadataStore, clock: Clock): TrustStore {
  const listeners = new Set<() => void>();
  const changed = () => {
    for (const listener of listeners) listener();
  };

  const list = (): Promise<TrustEntry[]> => listAll<TrustEntry>(metadata, TRUST_KIND, MAX_ENTRIES);

  return {
    async add(pem, alias) {
      const cert = parseSinglePem(pem);
      const fingerprint = fingerprintSha256(cert);
      const existing = await metadata.get<TrustEntry>(TRUST_KIND, fingerprint);
      if (existing !== undefined) return existing.data;
      const chosen = alias?.trim() || defaultAlias(cert.subject, fingerprint);
      const clash = (await list()).find((entry) => entry.alias === chosen);
      if (clash !== undefined) throw new AliasTakenError(chosen, clash.fingerprintSha256);
      const entry: TrustEntry = {
        fingerprintSha256: fingerprint,
        alias: chosen,
        subject: cert.subject.replaceAll('\n', ', '),
        issuer: cert.issuer.replaceAll('\n', ', '),
        notAfter: new Date(cert.validTo).toISOString(),
        pem: toPem(cert),
        addedAt: new Date(clock.now()).toISOString(),
      };
      try {
        await metadata.put({ kind: TRUST_KIND, id: fingerprint, data: entry }, { expectedVersion: 'absent' });
      } catch (error) {
        // A concurrent add of the same certificate won: the entry exists, which is what was asked.
        const raced = await metadata.get<TrustEntry>(TRUST_KIND, fingerprint);
        if (raced !== undefined) return raced.data;
        throw error;
      }
      changed();
      return entry;
    },
    list,
    async remove(fingerprint) {
      const id = fingerprint.replaceAll(':', '').toLowerCase();
      const existing = await metadata.take<TrustEntry>(TRUST_KIND, id);
      if (existing === undefined) return false;
      changed();
      return true;
    },
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

/** `trustline-<cn>-<first 8 hex of the fingerprint>`: unique and readable in `keytool -list`. */
export function defaultAlias(subject: string, fingerprint: string): string {
  const name = commonName(subject)
    .toLowerCase()
    .replace(/[^a-z0-9.-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40);
  return `trustline-${name || 'cert'}-${fingerprint.slice(0, 8)}`;
}
