import { rootCertificates, type ConnectionOptions } from 'node:tls';
import type { Agent, fetch as undiciFetch } from 'undici';
import { directRequest, fetchDirect } from './direct-fetch.ts';
import type { TrustContext, TrustStore } from './ports.ts';

/** How long a loaded anchor set is reused; another process's truststore change shows up within this. */
export const TRUST_CACHE_MS = 30_000;

export interface TrustContextOptions {
  /** Cache lifetime of the anchor set in ms (default TRUST_CACHE_MS). */
  readonly cacheMs?: number;
  /** Monotonic-enough time source for the cache; defaults to Date.now. */
  readonly now?: () => number;
}

/**
 * THE one TLS trust of Trustline: Node's roots plus every managed entry, with Java semantics
 * (any entry is an anchor, `allowPartialTrustChain`). Every outbound connection goes through it.
 */
export function createTrustContext(trustStore: TrustStore, options: TrustContextOptions = {}): TrustContext {
  const cacheMs = options.cacheMs ?? TRUST_CACHE_MS;
  const now = options.now ?? Date.now;
  let cached: { ca: string[]; loadedAt: number } | undefined;
  let loading: Promise<string[]> | undefined;
  let agent: { ca: string[]; dispatcher: Agent } | undefined;

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

  async function dispatcher(): Promise<Agent> {
    // Nothing is awaited between the check and the assignment, so concurrent callers share one agent.
    const [anchors, { Agent }] = await Promise.all([ca(), undici()]);
    if (agent?.ca === anchors) return agent.dispatcher;
    const previous = agent?.dispatcher;
    agent = { ca: anchors, dispatcher: new Agent({ connect: connectOptions(anchors) }) };
    // close() lets requests already under way finish on the old anchors.
    void previous?.close().catch(() => undefined);
    return agent.dispatcher;
  }

  /** One exchange of the shape OAuth libraries send goes direct (direct-fetch.ts); anything else through undici's fetch. */
  const trustedFetch = async (input: Parameters<typeof globalThis.fetch>[0], init?: Parameters<typeof globalThis.fetch>[1]): Promise<Response> => {
    const direct = directRequest(input, init);
    if (direct !== undefined) return fetchDirect(await dispatcher(), direct);
    // undici's fetch is the implementation behind Node's global fetch; only the declared types differ.
    return (await undici()).fetch(input as Parameters<typeof undiciFetch>[0], { ...(init as Parameters<typeof undiciFetch>[1]), dispatcher: await dispatcher() });
  };

  return { ca, fetch: trustedFetch };
}

/**
 * undici, loaded on the first outbound request: most invocations of most functions never make one, and
 * evaluating undici (about half a megabyte in a bundle) at start-up would lengthen every cold start.
 */
let undiciModule: Promise<typeof import('undici')> | undefined;
function undici(): Promise<typeof import('undici')> {
  // Memoised: a dynamic import per request costs a loader round trip each time.
  undiciModule ??= import('undici');
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
