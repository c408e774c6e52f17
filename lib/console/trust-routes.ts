import * as z from 'zod';
import { exportTruststore, type ExportFormat } from '../tls/truststore-export.ts';
import { fingerprintSha256, parsePemCertificates, TrustError, type TrustEntry } from '../trust/index.ts';
import { BadConsoleRequestError, UpstreamError } from './errors.ts';
import type { Upstream } from './upstream.ts';

export const previewInput = z.strictObject({ pem: z.string().min(1).max(60_000) });

/** Subject, issuer, expiry and fingerprint of each pasted certificate, shown before anything is trusted. */
export function previewCertificates(pem: string): { certificates: { subject: string; issuer: string; notAfter: string; fingerprintSha256: string }[] } {
  try {
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
  } catch (error) {
    if (error instanceof TrustError) throw new BadConsoleRequestError(error.message, 400, error.code);
    throw error;
  }
}

/** The managed truststore as a download: PEM bundle or PKCS#12 (password `changeit`), built here from the admin API's entries. */
export async function exportFromUpstream(upstream: Upstream, format: string): Promise<{ body: Buffer; contentType: string; fileName: string }> {
  if (format !== 'pem' && format !== 'pkcs12') throw new BadConsoleRequestError('The export format is pem or pkcs12.');
  const answer = await upstream.send({ method: 'GET', path: '/admin/trust' });
  if (answer.status !== 200) throw new UpstreamError(upstream.baseUrl, `GET /admin/trust answered HTTP ${answer.status}`);
  const { entries } = JSON.parse(answer.body.toString('utf8')) as { entries: TrustEntry[] };
  const chosen: ExportFormat = format;
  return {
    body: exportTruststore(entries, chosen),
    contentType: format === 'pem' ? 'application/x-pem-file' : 'application/x-pkcs12',
    fileName: format === 'pem' ? 'truststore.pem' : 'truststore.p12',
  };
}
