import { rootCertificates, type ConnectionOptions } from 'node:tls';
import type { Agent } from 'undici';
import { createOutboundPolicy, type OutboundPolicyOptions, type OutboundPurpose } from './outbound-policy.ts';
import { policyConnector } from './policy-connector.ts';
import { policyFetch } from './policy-fetch.ts';
import type { TrustContext, TrustStore } from './ports.ts';

/** How long a loaded anchor set is reused; another process's truststore change shows up within this. */
export const TRUST_CACHE_MS = 30_000;

export interface TrustContextOptions {
  /** Cache lifetime of the anchor set in ms (default TRUST_CACHE_MS). */
  readonly cacheMs?: number;
  /** Monotonic-enough time source for the cache; defaults to Date.now. */
  readonly now?: () => number;
  /** The outbound policy every fetch is checked against (lib/trust/outbound-policy.ts). */
  readonly outbound?: OutboundPolicyOptions;
}

/**
 * THE one TLS trust of Trustline: Node's roots plus every managed entry, with Java semantics
 * (any entry is an anchor, `allowPartialTrustChain`), behind THE one outbound policy. Every
 * outbound connection goes through it.
 */
export function createTrustContext(trustStore: TrustStore, options: TrustContextOptions = {}): TrustContext {
  const cacheMs = options.cacheMs ?? TRUST_CACHE_MS;
  const now = options.now ?? Date.now;
  const policy = createOutboundPolicy(options.outbound);
  let cached: { ca: string[]; loadedAt: number } | undefined;
  let loading: Promise<string[]> | undefined;
  let agents: { ca: string[]; byPurpose: Record<OutboundPurpose, Agent> } | undefined;

  trustStore.onChange?.(() => {
    cached = undefined;
  });

  function ca(): Promise<string[]> {
    if (cached !== undefined && now() - cached.loadedAt < cacheMs) return Promise.resolve(cached.ca);
    loading ??= trustStore
      .list()
      .then((entries) => {
        const anchors = [...rootCertificates, ...entries.map((entry) => entry.pem)];
        cached = { ca: anchors, loadedAt: now() };
        return anchors;
      })
      .finally(() => {
        loading = undefined;
      });
    return loading;
  }

  async function dispatcher(purpose: OutboundPurpose): Promise<Agent> {
    // Nothing is awaited between the check and the assignment, so concurrent callers share the agents.
    const [anchors, { Agent, buildConnector }] = await Promise.all([ca(), undici()]);
    if (agents?.ca !== anchors) {
      const previous = agents;
      const agent = (forPurpose: OutboundPurpose) =>
        new Agent({ connect: policyConnector(buildConnector, policy, forPurpose, connectOptions(anchors)), maxResponseSize: policy.maxBodyBytes });
      agents = { ca: anchors, byPurpose: { service: agent('service'), certificate: agent('certificate') } };
      // close() lets requests already under way finish on the old anchors.
      for (const old of Object.values(previous?.byPurpose ?? {})) void old.close().catch(() => undefined);
    }
    return agents.byPurpose[purpose];
  }

  const fetchFor = (purpose: OutboundPurpose) =>
    policyFetch({ fetch: async () => (await undici()).fetch, dispatcher: () => dispatcher(purpose), maxBodyBytes: policy.maxBodyBytes });

  return { ca, fetch: fetchFor('service'), certificateFetch: fetchFor('certificate'), outbound: policy };
}

/**
 * undici, loaded on the first outbound request: most invocations of most functions never make one, and
 * evaluating undici (about half a megabyte in a bundle) at start-up would lengthen every cold start.
 */
let undiciModule: Promise<typeof import('undici')> | undefined;
function undici(): Promise<typeof import('undici')> {
  // Memoised: a dynamic import per request costs a loader round trip each time.
  // undici is CommonJS: Node gives its exports as named exports of the import, but in a split bundle
  // esbuild's chunk exports `module.exports` as `default` only, where Agent was undefined and every
  // outbound request of a deployed function failed ("is not a constructor").
  undiciModule ??= import('undici').then((module) => (module.default as unknown as typeof module | undefined) ?? module);
  return undiciModule;
}

/** `tls.connect` options that trust exactly `ca` the way a Java truststore does. */
export function connectOptions(ca: readonly string[]): ConnectionOptions & { allowPartialTrustChain: boolean } {
  return { ca: [...ca], allowPartialTrustChain: true, rejectUnauthorized: true };
}

/**
 * TLS options for `tls.connect`, imapflow (`tls`) and nodemailer (`tls`), from the shared trust.
 * @example new ImapFlow({ host, port, secure: true, tls: await tlsOptions(services.trust) })
 */
export async function tlsOptions(trust: TrustContext): Promise<ConnectionOptions & { allowPartialTrustChain: boolean }> {
  return connectOptions(await trust.ca());
}
