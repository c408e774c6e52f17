/** Helpers for fetching keys from servers Trustline does not control. */

/** The body as text, refusing (and cancelling) anything longer than `limit` bytes: key servers are not trusted to be small. */
export async function readLimited(response: Response, limit: number): Promise<string> {
  if (response.body === null) return '';
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of response.body as AsyncIterable<Uint8Array>) {
    size += chunk.byteLength;
    // Throwing ends the loop, and ending a for-await loop early cancels the stream.
    if (size > limit) throw new RangeError(`the answer is longer than ${limit} bytes`);
    chunks.push(Buffer.from(chunk));
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** A fetch failure in words: fetch's own message plus the innermost cause ("fetch failed (unable to get local issuer certificate)"). */
export function failureText(error: unknown): string {
  const outer = error instanceof Error ? error.message : String(error);
  let inner: unknown = error;
  for (let depth = 0; depth < 5 && inner instanceof Error && inner.cause !== undefined; depth++) inner = inner.cause;
  return inner !== error && inner instanceof Error && inner.message !== outer ? `${outer} (${inner.message})` : outer;
}

/** Keys fetched in the clear could be swapped: key servers must be https, plain http only on loopback and only when asked. */
export function assertHttpsUrl(url: string, allowLoopbackHttp: boolean, what: string): void {
  const parsed = new URL(url);
  if (parsed.protocol === 'https:') return;
  const loopback = parsed.hostname === '127.0.0.1' || parsed.hostname === '[::1]' || parsed.hostname === 'localhost';
  if (parsed.protocol === 'http:' && loopback && allowLoopbackHttp) return;
  throw new TypeError(`${what} must be an https URL, not ${url}; plain http is allowed only on loopback with TRUSTLINE_DEV_ALLOW_LOOPBACK_HTTP.`);
}
