import * as z from 'zod';
import { checkEndpoint, defaultPort, PROTOCOLS, exportTruststore, type ExportFormat } from '../tls/index.ts';
import { createTrustContext, fingerprintSha256, fixedTrustStore, parsePemCertificates, type TrustEntry } from '../trust/index.ts';
import { BadConsoleRequestError, UpstreamError } from './errors.ts';
import type { Upstream } from './upstream.ts';

export const previewInput = z.strictObject({ pem: z.string().min(1).max(60_000) });

export const fetchInput = z.strictObject({
  host: z
    .string()
    .trim()
    .min(1)
    .max(253)
    .regex(/^[A-Za-z0-9.:_-]+$/, 'a host name or IP address without scheme or port'),
  port: z.number().int().min(1).max(65535).optional(),
  protocol: z.enum(PROTOCOLS).default('https'),
  servername: z.string().trim().min(1).max(253).optional(),
});

/** Subject, issuer, expiry and fingerprint of each pasted certificate, shown before anything is trusted. */
export function previewCertificates(pem: string): { certificates: { subject: string; issuer: string; notAfter: string; fingerprintSha256: string }[] } {
  // A TrustError (the text is no certificate, holds a private key) is answered by its own category and code.
  const certs = parsePemCertificates(pem);
  if (certs.length === 0) throw new BadConsoleRequestError('No "-----BEGIN CERTIFICATE-----" block was found in the text.');
  return {
    certificates: certs.map((cert) => ({
      subject: cert.subject.replaceAll('\n', ', '),
      issuer: cert.issuer.replaceAll('\n', ', '),
      notAfter: new Date(cert.validTo).toISOString(),
      fingerprintSha256: fingerprintSha256(cert),
    })),
  };
}

/** The managed truststore's entries, read through the admin API. */
async function trustEntries(upstream: Upstream): Promise<TrustEntry[]> {
  const answer = await upstream.send({ method: 'GET', path: '/admin/trust' });
  if (answer.status !== 200) throw new UpstreamError(upstream.baseUrl, `GET /admin/trust answered HTTP ${answer.status}`);
  return (JSON.parse(answer.body.toString('utf8')) as { entries: TrustEntry[] }).entries;
}

/**
 * The certificate a JVM would need to trust a server, fetched from it as `trustline trust add --from`
 * does (trust = public roots + the managed truststore): shown to the admin, added only on their word.
 */
export async function anchorFromHost(upstream: Upstream, input: z.output<typeof fetchInput>) {
  const trust = createTrustContext(fixedTrustStore((await trustEntries(upstream)).map((entry) => entry.pem).join('')));
  const report = await checkEndpoint(
    {
      host: input.host,
      port: input.port ?? defaultPort(input.protocol),
      protocol: input.protocol,
      ...(input.servername === undefined ? {} : { servername: input.servername }),
    },
    { trust },
  );
  if (report.error !== undefined)
    throw new BadConsoleRequestError(report.error.fix === undefined ? report.message : `${report.message} ${report.error.fix}`, report.error.code);
  if (report.fix === undefined) return { message: report.message, trusted: report.trusted };
  return {
    message: report.message,
    trusted: report.trusted,
    reason: report.fix.reason,
    pem: report.fix.pem,
    certificates: previewCertificates(report.fix.pem).certificates,
  };
}

/** The managed truststore as a download: PEM bundle or PKCS#12 (password `changeit`), built here from the admin API's entries. */
export async function exportFromUpstream(upstream: Upstream, format: string): Promise<{ body: Buffer; contentType: string; fileName: string }> {
  if (format !== 'pem' && format !== 'pkcs12') throw new BadConsoleRequestError('The export format is pem or pkcs12.');
  const entries = await trustEntries(upstream);
  const chosen: ExportFormat = format;
  return {
    body: exportTruststore(entries, chosen),
    contentType: format === 'pem' ? 'application/x-pem-file' : 'application/x-pkcs12',
    fileName: format === 'pem' ? 'truststore.pem' : 'truststore.p12',
  };
}
