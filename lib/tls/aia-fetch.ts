import { X509Certificate } from 'node:crypto';
import { TrustlineError } from '../errors.ts';
import { lowestOf, pkcs7Certificates } from './pkcs7.ts';

/** An issuer certificate is 1–2 KiB; a few KiB more covers PEM and bundles. */
const MAX_BYTES = 64 * 1024;
const DEFAULT_TIMEOUT_MS = 5000;
const CACHE_SIZE = 200;

/** Fetches the certificate behind an AIA "CA Issuers" URL; undefined with a reason when it cannot. */
export type IssuerFetcher = (url: string, timeoutMs?: number) => Promise<{ cert?: X509Certificate; error?: string }>;

/** The "CA Issuers" URLs of a certificate's Authority Information Access extension. */
export function caIssuersUrls(cert: X509Certificate): string[] {
  return (cert.infoAccess ?? '')
    .split('\n')
    .map((line) => /^CA Issuers - URI:(\S+)$/.exec(line.trim())?.[1])
    .filter((url): url is string => url !== undefined && /^https?:\/\//i.test(url));
}

/** Reads the body up to `limit` bytes; longer bodies are refused rather than buffered. */
export async function boundedBody(response: Response, limit: number): Promise<Buffer> {
  const reader = response.body?.getReader() as ReadableStreamDefaultReader<Uint8Array> | undefined;
  if (reader === undefined) return Buffer.alloc(0);
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return Buffer.concat(chunks);
    size += value.length;
    if (size > limit) {
      await reader.cancel();
      throw new RangeError(`the answer is larger than ${String(limit)} bytes`);
    }
    chunks.push(value);
  }
}

/** A certificate as DER or PEM, or a PKCS#7 bundle of them (`.p7c`), whose most specific certificate is the issuer. */
function parseIssuer(body: Buffer): X509Certificate {
  const text = body.toString('latin1');
  const pem = /-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/.exec(text)?.[0];
  if (pem !== undefined) return new X509Certificate(pem);
  const bundled = lowestOf(pkcs7Certificates(body) ?? []);
  return bundled ?? new X509Certificate(body);
}

/**
 * Why a fetch failed, in few words: the outbound policy's own message, else a network error code.
 * Never a parse error or a server's text: the URL comes from a certificate, chosen by whoever runs the server.
 */
function fetchFailure(error: unknown): string {
  for (let inner = error, depth = 0; inner instanceof Error && depth < 5; inner = inner.cause, depth++) {
    if (inner instanceof TrustlineError) return inner.message;
    const code = (inner as Error & { code?: unknown }).code;
    if (typeof code === 'string') return code;
  }
  return error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError') ? 'no answer in time' : 'the download failed';
}

/**
 * An AIA fetcher over `fetch` — pass the shared TrustContext's certificateFetch, so an https AIA URL
 * trusts exactly what every other outbound call trusts. Answers are cached by URL.
 */
export function createIssuerFetcher(fetch: typeof globalThis.fetch): IssuerFetcher {
  const cache = new Map<string, X509Certificate>();
  return async (url, timeoutMs = DEFAULT_TIMEOUT_MS) => {
    const hit = cache.get(url);
    if (hit !== undefined) return { cert: hit };
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs), redirect: 'follow' });
      if (!response.ok) {
        await response.body?.cancel();
        return { error: `${url} answered HTTP ${String(response.status)}` };
      }
      const cert = parseIssuer(await boundedBody(response, MAX_BYTES));
      if (cache.size >= CACHE_SIZE) cache.delete(cache.keys().next().value ?? '');
      cache.set(url, cert);
      return { cert };
    } catch (error) {
      return { error: `could not fetch ${url}: ${fetchFailure(error)}` };
    }
  };
}
