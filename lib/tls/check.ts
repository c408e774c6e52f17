import tls from 'node:tls';
import { fingerprintSha256, type TrustContext } from '../trust/index.ts';
import { createIssuerFetcher, type IssuerFetcher } from './aia-fetch.ts';
import { anchorSet } from './anchors.ts';
import { analyzeChain } from './chain-analysis.ts';
import { ConnectFailedError, ProbeTimeoutError, ProtocolMismatchError, StartTlsRefusedError, TlsCheckError } from './errors.ts';
import { jvmFix } from './jvm-fix.ts';
import { addressOf, probe, sniFor, type ProbeTarget } from './probe.ts';
import { DEFAULT_TIMEOUT_MS, DEFAULT_WARN_DAYS } from './options.ts';
import { implicitCounterpart, startTlsKind } from './protocols.ts';
import { anchorSource, chainEntry, type CheckReport, type TrustSources, type Verdict } from './report.ts';
import { checkRevocation } from './revocation.ts';
import type { Revocation } from './revocation-types.ts';
import { judge } from './verdict.ts';

export { DEFAULT_TIMEOUT_MS, DEFAULT_WARN_DAYS };

/** AIA downloads get their own small budget after the handshake. */
const AIA_TIMEOUT_MS = 5000;

export interface CheckOptions {
  /** THE shared trust: Node's roots plus the managed truststore; AIA downloads use its fetch. */
  readonly trust: TrustContext;
  /** Extra anchors for this check only (`--ca-file`). */
  readonly extraCa?: readonly string[];
  /** False when `trust` holds only Node's roots because the managed truststore could not be read (the CLI away from Trustline). */
  readonly managedConsulted?: boolean;
  readonly timeoutMs?: number;
  readonly warnDays?: number;
  readonly now?: () => number;
  /** Ask whether the leaf was revoked (stapled OCSP, OCSP, CRL); default true, false for `--no-revocation`. */
  readonly revocation?: boolean;
}

/** Revocation requests share what the check's one deadline has left, up to this much. */
const REVOCATION_TIMEOUT_MS = 5000;

const secureContexts = new WeakMap<readonly string[], tls.SecureContext>();
const fetchers = new WeakMap<TrustContext, IssuerFetcher>();

/** One secure context per anchor set, so thousands of checks do not re-parse the root store. */
function secureContextFor(ca: readonly string[]): tls.SecureContext {
  let context = secureContexts.get(ca);
  if (context === undefined) {
    context = tls.createSecureContext({ ca: [...ca], allowPartialTrustChain: true });
    secureContexts.set(ca, context);
  }
  return context;
}

function fetcherFor(trust: TrustContext): IssuerFetcher {
  let fetcher = fetchers.get(trust);
  if (fetcher === undefined) {
    fetcher = createIssuerFetcher(trust.certificateFetch);
    fetchers.set(trust, fetcher);
  }
  return fetcher;
}

/**
 * Checks one TLS service: probes it within one deadline, analyses the chain with Java
 * semantics, and returns the `certs check --json` document. Connection failures are
 * reported, not thrown, so one bad endpoint never stops a run.
 */
export async function checkEndpoint(target: ProbeTarget, options: CheckOptions): Promise<CheckReport> {
  const now = options.now ?? Date.now;
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const started = Date.now();
  const base = {
    host: target.host,
    port: target.port,
    protocol: target.protocol,
    ...(sniFor(target) === undefined ? {} : { servername: sniFor(target) }),
  };
  const managed = await options.trust.ca();
  const extra = options.extraCa ?? [];
  const anchors = extra.length === 0 ? managed : [...managed, ...extra];
  const sources: TrustSources = { managed: options.managedConsulted ?? true, caFile: extra.length > 0 };
  let probed;
  try {
    probed = await probe(target, { timeoutMs, secureContext: secureContextFor(anchors), outbound: options.trust.outbound });
  } catch (error) {
    if (!(error instanceof TlsCheckError)) throw error;
    return failureReport(base, error, now());
  }
  const fetchIssuer = fetcherFor(options.trust);
  const analysis = await analyzeChain({
    presented: probed.presented,
    // Authorized by OpenSSL against the same anchors (with the same partial-chain rule): the signatures are good.
    signaturesVerified: probed.opensslError === undefined,
    hostname: target.servername ?? target.host,
    anchors: extra.length === 0 ? anchorSet(anchors) : anchorSet(anchors, new Set(extra)),
    now: now(),
    fetchIssuer: (url) => fetchIssuer(url, Math.min(AIA_TIMEOUT_MS, timeoutMs)),
  });
  let revocation: Revocation | undefined;
  const leaf = analysis.path[0];
  if (options.revocation !== false && leaf !== undefined) {
    revocation = await checkRevocation({
      leaf: leaf.cert,
      issuer: analysis.path[1]?.cert,
      stapled: probed.stapledOcsp,
      // OCSP and CRL URLs come from the certificate: the certificate-driven fetch (no loopback without the development flag).
      fetch: options.trust.certificateFetch,
      budgetMs: Math.min(REVOCATION_TIMEOUT_MS, timeoutMs - (Date.now() - started)),
      now: now(),
    });
  }
  const { verdict, message, problems } = judge(analysis, options.warnDays ?? DEFAULT_WARN_DAYS, revocation, sources);
  const fix = jvmFix(analysis);
  return {
    ...base,
    trusted: analysis.javaTrusts,
    verdict,
    message,
    hostnameMatches: analysis.hostname.matches,
    earliestExpiry: analysis.earliest?.notAfter.toISOString() ?? null,
    daysLeft: analysis.earliest?.daysLeft ?? null,
    anchorSource: analysis.trust.kind === 'anchored' ? anchorSource(analysis.trust.anchor.anchor) : null,
    chain: [...analysis.path, ...analysis.unused].map(chainEntry),
    presented: analysis.presented.map((entry) => fingerprintSha256(entry.cert)),
    ...(fix === undefined ? {} : { fix }),
    ...(revocation === undefined ? {} : { revocation }),
    problems,
    checkedAt: new Date(now()).toISOString(),
  };
}

/** What a JVM does on the same failure, in its own words. */
function javaOnFailure(error: TlsCheckError): string {
  if (error instanceof ConnectFailedError) return `Java will fail the same way (${error.javaException}).`;
  if (error instanceof ProbeTimeoutError) {
    const exception = error.stage === 'connect' ? 'java.net.SocketTimeoutException: Connect timed out' : 'java.net.SocketTimeoutException: Read timed out';
    return `Java will wait for its own timeout (${exception}) or hang.`;
  }
  if (error instanceof ProtocolMismatchError) return '';
  if (error instanceof StartTlsRefusedError) return 'Java clients that require STARTTLS will refuse to continue.';
  return 'Java will fail with javax.net.ssl.SSLHandshakeException.';
}

function failureVerdict(error: TlsCheckError, protocol: CheckReport['protocol']): Verdict {
  if (error instanceof ConnectFailedError) return 'connect-failed';
  if (error instanceof ProbeTimeoutError) return 'timeout';
  if (error instanceof StartTlsRefusedError) return 'starttls-refused';
  if (error instanceof ProtocolMismatchError) return startTlsKind(protocol) === undefined ? 'tls-failed' : 'starttls-refused';
  return 'tls-failed';
}

/** The --protocol that matches what the server speaks, when the check used another. */
function matchingProtocol(error: TlsCheckError, protocol: CheckReport['protocol']): CheckReport['protocol'] | undefined {
  if (error instanceof ProtocolMismatchError) return error.suggested;
  if (error instanceof ProbeTimeoutError && error.stage === 'greeting') return implicitCounterpart(protocol);
  return undefined;
}

/** The fix, with the --protocol to use when a STARTTLS check waited in vain for a plain-text greeting. */
function failureFix(error: TlsCheckError, protocol: CheckReport['protocol']): string | undefined {
  const implicit = implicitCounterpart(protocol);
  if (error instanceof ProbeTimeoutError && error.stage === 'greeting' && implicit !== undefined) {
    return `The server did not greet in plain text; if it expects TLS at once (an implicit-TLS port), check it with --protocol ${implicit}.`;
  }
  return error.fix;
}

function failureReport(base: Pick<CheckReport, 'host' | 'port' | 'protocol' | 'servername'>, error: TlsCheckError, now: number): CheckReport {
  const verdict = failureVerdict(error, base.protocol);
  const message = `${error.message} ${javaOnFailure(error)}`.trim();
  const fix = failureFix(error, base.protocol);
  const matching = matchingProtocol(error, base.protocol);
  return {
    ...base,
    trusted: false,
    verdict,
    message,
    hostnameMatches: false,
    earliestExpiry: null,
    daysLeft: null,
    anchorSource: null,
    chain: [],
    presented: [],
    problems: [message],
    error: { code: error.code, message: error.message, ...(fix === undefined ? {} : { fix }), ...(matching === undefined ? {} : { protocol: matching }) },
    checkedAt: new Date(now).toISOString(),
  };
}

export { addressOf };
