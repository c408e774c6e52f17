import { commonName } from '../trust/index.ts';
import type { ChainAnalysis, ChainCert, TrustFinding } from './chain-analysis.ts';
import { shortName, type TrustSources, type Verdict } from './report.ts';
import type { Revocation } from './revocation-types.ts';
import { revokedSentence } from './revocation-verdict.ts';

/** What Java prints when it cannot build a path to a truststore entry. */
export const JAVA_PKIX_BUILD = 'Java will fail with "PKIX path building failed: unable to find valid certification path to requested target"';
const JAVA_PKIX_VALIDITY = 'Java will fail with "PKIX path validation failed: … validity check failed"';

interface Finding {
  readonly verdict: Verdict;
  readonly sentence: string;
}

/** A DN as Java's X500Principal prints it: most specific attribute first (Node lists them in certificate order). */
const javaDn = (dn: string) => dn.split('\n').reverse().join(', ');
const day = (date: Date) => date.toISOString().slice(0, 10);
const quote = (entry: ChainCert) => `"${shortName(entry)}"`;

/** What a check consulted, in words: "Node's root store, the managed truststore or --ca-file". */
export function consultedWords(sources: TrustSources): string {
  const names = ["Node's root store", ...(sources.managed ? ['the managed truststore'] : []), ...(sources.caFile ? ['--ca-file'] : [])];
  return names.length === 1 ? (names[0] ?? '') : `${names.slice(0, -1).join(', ')} or ${names.at(-1) ?? ''}`;
}

/** Where an anchor came from, for the "trusted" sentence. */
const ORIGIN_WORDS: Record<NonNullable<ChainCert['anchor']>, string> = {
  'root-store': "Node's root store",
  truststore: 'the managed truststore',
  'ca-file': '--ca-file',
};

function trustFinding(trust: TrustFinding, leaf: ChainCert, sources: TrustSources): Finding | undefined {
  switch (trust.kind) {
    case 'anchored':
      return undefined;
    case 'self-signed':
      return {
        verdict: 'self-signed',
        sentence: `The server's certificate ${quote(leaf)} is self-signed and is not in ${consultedWords(sources)}. ${JAVA_PKIX_BUILD}.`,
      };
    case 'untrusted-root':
      return {
        verdict: 'unknown-ca',
        sentence:
          `The server sends its own root certificate ${quote(trust.root)}, which is not in ${consultedWords(sources)} ` +
          `(sending a root does not make it trusted). ${JAVA_PKIX_BUILD}.`,
      };
    case 'missing-intermediate':
      return {
        verdict: 'incomplete-chain',
        sentence:
          `The server does not send the intermediate certificate ${quote(trust.missing)}` +
          (trust.url === '' ? '' : ` (Trustline downloaded it from ${trust.url})`) +
          `. Browsers download missing intermediates, Java does not: ${JAVA_PKIX_BUILD}. ` +
          'The server should send it after its own certificate.',
      };
    case 'unknown-issuer': {
      const issuer = commonName(trust.last.cert.issuer);
      const aia = trust.aia?.error === undefined ? '' : ` Its issuer could not be downloaded: ${trust.aia.error}.`;
      return {
        verdict: 'unknown-ca',
        sentence:
          `${quote(trust.last)} was issued by "${issuer}", a certificate authority that is neither sent by the server ` +
          `nor in ${consultedWords(sources)}.${aia} ${JAVA_PKIX_BUILD}.`,
      };
    }
  }
}

function hostnameSentence(analysis: ChainAnalysis): string {
  const { name, certNames } = analysis.hostname;
  const names = certNames.length === 0 ? `only the subject "${analysis.path[0]?.cert.subject.replaceAll('\n', ', ') ?? ''}"` : certNames.join(', ');
  const java = /^[\d.]+$|:/.test(name)
    ? `No subject alternative names matching IP address ${name} found`
    : `No subject alternative DNS name matching ${name} found.`;
  return `The certificate is for ${names}, not for "${name}". Java's HTTPS and LDAPS clients will fail with "${java}" (a raw SSL socket does not check the name).`;
}

/**
 * Every problem of an analysis in plain words, the verdict of the most important one, and
 * what the JVM will say. Revocation outranks trust, a trust failure outranks dates, dates
 * outrank the host name. An `unknown` revocation is not a problem (soft fail).
 */
export function judge(
  analysis: ChainAnalysis,
  warnDays: number,
  revocation?: Revocation,
  sources: TrustSources = { managed: true, caFile: false },
): { verdict: Verdict; message: string; problems: string[] } {
  const leaf = analysis.path[0];
  if (leaf === undefined) throw new RangeError('an analysis always has a leaf');
  const findings: Finding[] = [];
  if (revocation?.status === 'revoked') {
    findings.push({ verdict: 'revoked', sentence: revokedSentence(revocation, shortName(leaf), javaDn(leaf.cert.issuer)) });
  }
  const trust = trustFinding(analysis.trust, leaf, sources);
  if (trust !== undefined) findings.push(trust);
  for (const entry of analysis.expired) {
    const anchorNote = entry.anchor === undefined ? `${JAVA_PKIX_VALIDITY}.` : 'Java still accepts an expired truststore entry, Node and browsers do not.';
    findings.push({
      verdict: 'expired',
      sentence: `The certificate ${quote(entry)} expired on ${day(entry.notAfter)} (${String(-entry.daysLeft)} days ago). ${anchorNote}`,
    });
  }
  for (const entry of analysis.notYetValid) {
    findings.push({
      verdict: 'not-yet-valid',
      sentence: `The certificate ${quote(entry)} is not valid before ${day(entry.notBefore)}. ${JAVA_PKIX_VALIDITY}.`,
    });
  }
  if (!analysis.hostname.matches) findings.push({ verdict: 'hostname-mismatch', sentence: hostnameSentence(analysis) });
  const earliest = analysis.earliest;
  if (earliest !== undefined && !earliest.expired && earliest.daysLeft <= warnDays) {
    findings.push({
      verdict: 'expiring',
      sentence: `The certificate ${quote(earliest)} expires in ${String(earliest.daysLeft)} days (${day(earliest.notAfter)}); renew it before then.`,
    });
  }
  const [first, ...others] = findings;
  if (first === undefined) {
    const anchor = analysis.trust.kind === 'anchored' ? analysis.trust.anchor : undefined;
    const where = ORIGIN_WORDS[anchor?.anchor ?? 'root-store'];
    const java =
      anchor?.anchor !== undefined && anchor.anchor !== 'root-store'
        ? ' Java trusts it only if its own truststore holds the same entry (see `npx trustline trust export`).'
        : '';
    const expiry =
      earliest === undefined ? '' : `; the first certificate to expire is ${quote(earliest)} in ${String(earliest.daysLeft)} days (${day(earliest.notAfter)})`;
    const message = `The chain is trusted (anchor ${anchor === undefined ? '' : quote(anchor)} from ${where}) and matches "${analysis.hostname.name}"${expiry}.${java}`;
    return { verdict: 'ok', message, problems: [] };
  }
  const message = others.length === 0 ? first.sentence : `${first.sentence} Also: ${others.map((f) => f.sentence).join(' ')}`;
  return { verdict: first.verdict, message, problems: findings.map((f) => f.sentence) };
}
