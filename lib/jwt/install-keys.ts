import { importSPKI } from 'jose';
import { systemClock, type Clock } from '../clock.ts';
import { KeyUnavailableError, MalformedTokenError } from './errors.ts';
import { assertHttpsUrl, failureText, readLimited } from './key-fetch.ts';
import { PenaltyBox } from './penalty-box.ts';

/** Atlassian's published Connect install-keys server: `GET <server>/<kid>` answers the PEM public key. */
export const ATLASSIAN_INSTALL_KEYS_URL = 'https://connect-install-keys.atlassian.com';

/** A public key for RS256 verification, as jose imports it. */
export type PublicKey = Awaited<ReturnType<typeof importSPKI>>;

export interface InstallKeyProviderOptions {
  /** Base URL of the key server, without trailing slash. */
  readonly baseUrl: string;
  /** The fetch of THE shared TLS trust (`services().trust.fetch`). */
  readonly fetch: typeof globalThis.fetch;
  readonly clock?: Clock;
  /** Wait after a failed fetch of a kid before fetching it again; 10 s unless set. */
  readonly penaltySeconds?: number;
  /** Keys kept in memory (keys never change under a kid, so only the count is bounded). */
  readonly maxKeys?: number;
  readonly timeoutMs?: number;
  /** Development only: accept a plain-http key server on a loopback address. */
  readonly allowLoopbackHttp?: boolean;
  /** Key fetches allowed per minute across every kid (30 unless set); more wait, answered as retryable. */
  readonly maxFetchesPerMinute?: number;
}

/** Largest PEM accepted from the key server. */
const MAX_KEY_BYTES = 16 * 1024;
/** ASAP key ids: `issuer/key-name` segments of safe characters, never `.` or `..`. */
const KID = /^(?!.*(^|\/)\.{1,2}(\/|$))[A-Za-z0-9._-]+(\/[A-Za-z0-9._-]+)*$/;

/**
 * Fetches and caches the RS256 public keys of Connect lifecycle tokens by `kid`, with a
 * penalty box against refetch storms and concurrent requests for one kid sharing one fetch.
 */
export function createInstallKeyProvider(options: InstallKeyProviderOptions) {
  const clock = options.clock ?? systemClock;
  const maxKeys = options.maxKeys ?? 100;
  const penalty = new PenaltyBox(clock, (options.penaltySeconds ?? 10) * 1000);
  const keys = new Map<string, PublicKey>();
  const inFlight = new Map<string, Promise<PublicKey>>();
  const base = options.baseUrl.replace(/\/+$/, '');
  const maxFetchesPerMinute = options.maxFetchesPerMinute ?? 30;
  /** Start times of the fetches of the last minute, oldest first. */
  const recentFetches: number[] = [];
  assertHttpsUrl(base, options.allowLoopbackHttp === true, 'The install-keys server (TRUSTLINE_CONNECT_INSTALL_KEYS_URL)');

  async function fetchKey(kid: string): Promise<PublicKey> {
    const url = `${base}/${kid}`;
    let response: Response;
    let pem: string;
    try {
      response = await options.fetch(url, {
        signal: AbortSignal.timeout(options.timeoutMs ?? 5000),
        headers: { accept: 'application/x-pem-file, text/plain' },
      });
      pem = response.ok ? await readLimited(response, MAX_KEY_BYTES) : '';
    } catch (error) {
      throw new KeyUnavailableError(`Trustline could not fetch the install key "${kid}" from ${base}: ${failureText(error)}.`, true, { cause: error });
    }
    if (response.status === 404) throw new KeyUnavailableError(`The key server ${base} does not know the install key "${kid}" (HTTP 404).`, false);
    if (!response.ok) throw new KeyUnavailableError(`The key server ${base} answered HTTP ${response.status} for the install key "${kid}".`, true);
    try {
      return await importSPKI(pem.trim(), 'RS256');
    } catch (error) {
      throw new KeyUnavailableError(`The key server ${base} answered something that is not an RSA public key for "${kid}".`, false, { cause: error });
    }
  }

  /** The public key named by a lifecycle token's `kid`. */
  async function getKey(kid: unknown): Promise<PublicKey> {
    if (typeof kid !== 'string' || kid.length > 256 || !KID.test(kid))
      throw new MalformedTokenError('the header has no usable "kid" (key id)', { expected: 'a kid naming an install key' });
    const cached = keys.get(kid);
    if (cached !== undefined) return cached;
    const pending = inFlight.get(kid);
    if (pending !== undefined) return pending;
    const wait = penalty.remaining(kid);
    if (wait > 0)
      throw new KeyUnavailableError(`Fetching the install key "${kid}" failed moments ago; Trustline will try again in ${Math.ceil(wait / 1000)} s.`, true);
    // Every token naming a new kid costs a request to the key server: at most so many a minute, whoever sends them.
    const now = clock.now();
    while (recentFetches.length > 0 && (recentFetches[0] ?? 0) <= now - 60_000) recentFetches.shift();
    if (recentFetches.length >= maxFetchesPerMinute) {
      throw new KeyUnavailableError(`Trustline fetched ${String(maxFetchesPerMinute)} install keys in the last minute, its limit; "${kid}" waits.`, true);
    }
    recentFetches.push(now);
    const fetching = fetchKey(kid).then(
      (key) => {
        penalty.registerSuccess(kid);
        if (keys.size >= maxKeys) keys.delete(keys.keys().next().value as string);
        keys.set(kid, key);
        return key;
      },
      (error: unknown) => {
        penalty.registerFailure(kid);
        throw error;
      },
    );
    inFlight.set(kid, fetching);
    try {
      return await fetching;
    } finally {
      inFlight.delete(kid);
    }
  }

  return { getKey };
}

export type InstallKeyProvider = ReturnType<typeof createInstallKeyProvider>;
