import type { X509Certificate } from 'node:crypto';
import net from 'node:net';
import type { IssuerFetcher } from './aia-fetch.ts';
import { caIssuersUrls } from './aia-fetch.ts';
import { type AnchorOrigin, type AnchorSet, isSelfSigned, issued } from './anchors.ts';

const DAY_MS = 86_400_000;
/** Longest path built; real ones have 2–4 certificates. */
const MAX_PATH = 10;
/** AIA fetches per analysis: enough for two missing intermediates and a root. */
const MAX_AIA_FETCHES = 3;

/** One certificate as the analysis sees it. */
export interface ChainCert {
  readonly cert: X509Certificate;
  /** Who supplied it: the server, an AIA download, or the trust anchors. */
  readonly source: 'server' | 'aia' | AnchorOrigin;
  /** Set when this certificate is itself a trust anchor. */
  readonly anchor?: AnchorOrigin;
  readonly notBefore: Date;
  readonly notAfter: Date;
  /** Whole days until notAfter; negative once expired. */
  readonly daysLeft: number;
  readonly expired: boolean;
  readonly notYetValid: boolean;
  readonly selfSigned: boolean;
}

/** Why the path is or is not anchored, computed without relying on OpenSSL's single error. */
export type TrustFinding =
  | { readonly kind: 'anchored'; readonly anchor: ChainCert }
  | { readonly kind: 'self-signed' }
  | { readonly kind: 'untrusted-root'; readonly root: ChainCert }
  | { readonly kind: 'missing-intermediate'; readonly missing: ChainCert; readonly url: string; readonly anchor: ChainCert }
  | { readonly kind: 'unknown-issuer'; readonly last: ChainCert; readonly aia?: { readonly url?: string; readonly error?: string } };

export interface ChainAnalysis {
  /** As the server sent them, in order. */
  readonly presented: ChainCert[];
  /** As built: leaf first, each issued by the next; ends at an anchor or where building stopped. */
  readonly path: ChainCert[];
  /** Sent by the server but not part of the path (stray or cross certificates). */
  readonly unused: ChainCert[];
  readonly trust: TrustFinding;
  readonly hostname: { readonly name: string; readonly matches: boolean; readonly certNames: string[] };
  /** Certificates of the path outside their dates (anchors included: Node rejects them, Java does not). */
  readonly expired: ChainCert[];
  readonly notYetValid: ChainCert[];
  /** Java's answer: anchored, and every certificate of the path except the anchor within its dates. */
  readonly javaTrusts: boolean;
  /** The path or presented certificate that expires first. */
  readonly earliest: ChainCert | undefined;
}

export interface AnalysisInput {
  readonly presented: readonly X509Certificate[];
  /** The name the client uses for the service (servername, else host). */
  readonly hostname: string;
  readonly anchors: AnchorSet;
  readonly now: number;
  /** Downloads missing issuers from AIA URLs; without it an absent issuer stays unknown. */
  readonly fetchIssuer?: IssuerFetcher;
  /**
   * OpenSSL already verified a path from these certificates to these same anchors during the
   * handshake (the socket was authorized): links need not be verified again. Saves two signature
   * checks per endpoint.
   */
  readonly signaturesVerified?: boolean;
}

export function describeCert(cert: X509Certificate, source: ChainCert['source'], now: number, anchor?: AnchorOrigin): ChainCert {
  const notBefore = new Date(Date.parse(cert.validFrom));
  const notAfter = new Date(Date.parse(cert.validTo));
  return {
    cert,
    source,
    ...(anchor === undefined ? {} : { anchor }),
    notBefore,
    notAfter,
    daysLeft: Math.floor((notAfter.getTime() - now) / DAY_MS),
    expired: notAfter.getTime() < now,
    notYetValid: notBefore.getTime() > now,
    selfSigned: isSelfSigned(cert),
  };
}

/** Subject alternative names as `DNS:x` / `IP Address:y`, for messages. */
export function subjectAltNames(cert: X509Certificate): string[] {
  return (cert.subjectAltName ?? '').split(', ').filter((name) => name !== '');
}

function matchHostname(leaf: X509Certificate, name: string): boolean {
  // checkHost falls back to the subject CN only when there is no DNS SAN, as Java's HTTPS check does.
  return net.isIP(name) === 0 ? leaf.checkHost(name) !== undefined : leaf.checkIP(name) !== undefined;
}

/**
 * Builds the path from the leaf to an anchor with Java semantics (any anchor ends the path,
 * `allowPartialTrustChain`), downloading missing issuers by AIA, and checks dates and host
 * name independently of trust.
 */
export async function analyzeChain(input: AnalysisInput): Promise<ChainAnalysis> {
  const [leafCert] = input.presented;
  if (leafCert === undefined) throw new RangeError('the server presented no certificate');
  const describe = (cert: X509Certificate, source: ChainCert['source'], anchor?: AnchorOrigin) => describeCert(cert, source, input.now, anchor);
  const presented = input.presented.map((cert) => describe(cert, 'server', input.anchors.exact(cert)?.origin));
  const pool = presented.slice(1);
  const path: ChainCert[] = [presented[0] ?? describe(leafCert, 'server')];
  let trust: TrustFinding | undefined;
  let aiaFetches = 0;
  let lastAia: { url?: string; error?: string } | undefined;

  for (let step = 0; step < MAX_PATH && trust === undefined; step++) {
    const current = path[path.length - 1] ?? path[0];
    if (current === undefined) break;
    if (current.anchor !== undefined) {
      trust = { kind: 'anchored', anchor: current };
      break;
    }
    const anchor = input.anchors.issuerOf(current.cert, input.signaturesVerified);
    if (anchor !== undefined) {
      // Keep the server's copy when it sent the anchor itself, so it is not listed twice.
      const sent = pool.find((candidate) => candidate.cert.fingerprint256 === anchor.cert.fingerprint256);
      const described = sent ?? describe(anchor.cert, anchor.origin, anchor.origin);
      path.push(described);
      trust = { kind: 'anchored', anchor: described };
      break;
    }
    const next = pool.find((candidate) => !path.includes(candidate) && !current.selfSigned && issued(candidate.cert, current.cert, input.signaturesVerified));
    if (next !== undefined) {
      path.push(next);
      continue;
    }
    if (current.selfSigned) {
      trust =
        path.length === 1
          ? { kind: 'self-signed' }
          : current.source === 'server'
            ? { kind: 'untrusted-root', root: current }
            : { kind: 'unknown-issuer', last: current };
      break;
    }
    const url = caIssuersUrls(current.cert)[0];
    if (url === undefined || input.fetchIssuer === undefined || aiaFetches >= MAX_AIA_FETCHES) {
      trust = { kind: 'unknown-issuer', last: current, ...(lastAia === undefined ? {} : { aia: lastAia }) };
      break;
    }
    aiaFetches++;
    const fetched = await input.fetchIssuer(url);
    if (fetched.cert === undefined || !issued(fetched.cert, current.cert)) {
      const error = fetched.error ?? `the certificate at ${url} did not issue "${current.cert.subject}"`;
      trust = { kind: 'unknown-issuer', last: current, aia: { url, error } };
      break;
    }
    lastAia = { url };
    path.push(describe(fetched.cert, 'aia', input.anchors.exact(fetched.cert)?.origin));
  }
  const top = path[path.length - 1] ?? path[0];
  trust ??= { kind: 'unknown-issuer', last: top ?? presented[0] ?? describe(leafCert, 'server') };
  if (trust.kind === 'anchored') {
    const missing = path.find((entry) => entry.source === 'aia');
    if (missing !== undefined) {
      trust = { kind: 'missing-intermediate', missing, url: caIssuersUrls(path[path.indexOf(missing) - 1]?.cert ?? leafCert)[0] ?? '', anchor: trust.anchor };
    }
  }

  const outOfDates = (entry: ChainCert) => entry.expired || entry.notYetValid;
  const javaTrusts = trust.kind === 'anchored' && !path.some((entry) => entry.anchor === undefined && outOfDates(entry));
  const all = [...path, ...presented.filter((entry) => !path.includes(entry))];
  const earliest = all.reduce<ChainCert | undefined>((min, entry) => (min === undefined || entry.notAfter < min.notAfter ? entry : min), undefined);
  return {
    presented,
    path,
    unused: presented.filter((entry) => !path.includes(entry)),
    trust,
    hostname: { name: input.hostname, matches: matchHostname(leafCert, input.hostname), certNames: subjectAltNames(leafCert) },
    expired: path.filter((entry) => entry.expired),
    notYetValid: path.filter((entry) => entry.notYetValid),
    javaTrusts,
    earliest,
  };
}
