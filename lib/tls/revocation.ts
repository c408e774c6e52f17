import type { X509Certificate } from 'node:crypto';
import { boundedBody } from './aia-fetch.ts';
import { crlUrls, ocspUrls } from './cert-asn1.ts';
import { crlNextUpdate, readCrl } from './crl.ts';
import { ocspRequest, readOcspResponse } from './ocsp.ts';
import type { Revocation, RevocationAnswer, RevocationSource } from './revocation-types.ts';

/** An OCSP answer is a few KiB; a CRL of a large public CA runs to megabytes. */
const MAX_OCSP_BYTES = 64 * 1024;
const MAX_CRL_BYTES = 16 * 1024 * 1024;

/** A CRL is reused until its nextUpdate, but at most this long, so that a CA's early reissue is seen. */
const CRL_REUSE_MS = 60 * 60_000;
const MAX_CACHED_CRLS = 16;
/** Per fetch (one per trust context): CRLs by URL, so the endpoints of one CA share one download per run. */
const crlCaches = new WeakMap<typeof globalThis.fetch, Map<string, { readonly body: Uint8Array; readonly until: number }>>();

export interface RevocationInput {
  readonly leaf: X509Certificate;
  /** The leaf's issuer as the chain analysis found it; without it no answer can be verified. */
  readonly issuer: X509Certificate | undefined;
  /** The DER OCSPResponse the server stapled to the handshake, if any. */
  readonly stapled: Uint8Array | undefined;
  /** The shared outbound fetch (the same one AIA downloads use). */
  readonly fetch: typeof globalThis.fetch;
  /** What is left of the check's one deadline for every revocation request together. */
  readonly budgetMs: number;
  readonly now: number;
}

type Attempt = { readonly source: RevocationSource; readonly where: string; readonly answer: RevocationAnswer };

const FROM: Record<RevocationSource, (where: string) => string> = {
  stapled: () => 'the OCSP answer the server stapled to the handshake',
  ocsp: (where) => `the OCSP responder at ${where}`,
  crl: (where) => `the CRL at ${where}`,
};

async function download(input: RevocationInput, endsAt: number, url: string, init: RequestInit, limit: number): Promise<Uint8Array | string> {
  const left = endsAt - Date.now();
  if (left <= 0) return `the check's deadline ran out before ${url} could be asked`;
  try {
    const response = await input.fetch(url, { ...init, signal: AbortSignal.timeout(left), redirect: 'follow' });
    if (!response.ok) {
      await response.body?.cancel();
      return `${url} answered HTTP ${String(response.status)}`;
    }
    return await boundedBody(response, limit);
  } catch (error) {
    return `could not reach ${url}: ${(error as Error).message}`;
  }
}

async function* attempts(input: RevocationInput, issuer: X509Certificate): AsyncGenerator<Attempt | string> {
  const endsAt = Date.now() + input.budgetMs;
  if (input.stapled !== undefined) yield { source: 'stapled', where: '', answer: readOcspResponse(input.stapled, input.leaf, issuer, input.now) };
  const ocsp = ocspUrls(input.leaf)[0];
  if (ocsp !== undefined) {
    const body = await download(
      input,
      endsAt,
      ocsp,
      { method: 'POST', headers: { 'content-type': 'application/ocsp-request', accept: 'application/ocsp-response' }, body: ocspRequest(input.leaf, issuer) },
      MAX_OCSP_BYTES,
    );
    yield typeof body === 'string' ? body : { source: 'ocsp', where: ocsp, answer: readOcspResponse(body, input.leaf, issuer, input.now) };
  }
  const crl = crlUrls(input.leaf)[0];
  if (crl !== undefined) {
    const body = await crlBody(input, endsAt, crl);
    yield typeof body === 'string' ? body : { source: 'crl', where: crl, answer: readCrl(body, input.leaf, issuer, input.now) };
  }
}

async function crlBody(input: RevocationInput, endsAt: number, url: string): Promise<Uint8Array | string> {
  let cache = crlCaches.get(input.fetch);
  if (cache === undefined) {
    cache = new Map();
    crlCaches.set(input.fetch, cache);
  }
  const hit = cache.get(url);
  if (hit !== undefined && hit.until > input.now) return hit.body;
  const body = await download(input, endsAt, url, { method: 'GET' }, MAX_CRL_BYTES);
  const nextUpdate = typeof body === 'string' ? undefined : crlNextUpdate(body);
  if (typeof body !== 'string' && nextUpdate !== undefined) {
    if (cache.size >= MAX_CACHED_CRLS) cache.delete(cache.keys().next().value ?? '');
    cache.set(url, { body, until: Math.min(nextUpdate, input.now + CRL_REUSE_MS) });
  }
  return body;
}

function decided(attempt: Attempt): Revocation | undefined {
  const { answer, source, where } = attempt;
  if (answer.status === 'good') return { status: 'good', source, message: `Not revoked, according to ${FROM[source](where)}.` };
  if (answer.status === 'revoked') {
    const reason = answer.reason === undefined ? '' : ` (${answer.reason})`;
    return {
      status: 'revoked',
      source,
      ...(answer.reason === undefined ? {} : { reason: answer.reason }),
      revokedAt: answer.revokedAt.toISOString(),
      message: `Revoked on ${answer.revokedAt.toISOString()}${reason}, according to ${FROM[source](where)}.`,
    };
  }
  return undefined;
}

/**
 * Asks whether the leaf was revoked: the stapled OCSP answer first, else the issuer's OCSP
 * responder, else its CRL, all within one budget. Any source that cannot answer falls through
 * to the next; when none can, the status is `unknown` with every reason (a soft fail, as browsers do).
 */
export async function checkRevocation(input: RevocationInput): Promise<Revocation> {
  if (input.issuer === undefined) {
    return {
      status: 'unknown',
      source: null,
      message: "Revocation was not checked: the certificate's issuer is not known, so no answer about it could be verified.",
    };
  }
  const reasons: string[] = [];
  for await (const attempt of attempts(input, input.issuer)) {
    if (typeof attempt === 'string') {
      reasons.push(attempt);
      continue;
    }
    const revocation = decided(attempt);
    if (revocation !== undefined) return revocation;
    if (attempt.answer.status === 'unknown') reasons.push(`${FROM[attempt.source](attempt.where)}: ${attempt.answer.why}`);
  }
  const why = reasons.length === 0 ? 'the certificate names no OCSP responder and no CRL, and the server stapled no OCSP answer' : reasons.join('; ');
  return { status: 'unknown', source: null, message: `Revocation status unknown: ${why}.` };
}
