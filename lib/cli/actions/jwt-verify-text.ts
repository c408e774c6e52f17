/** What `jwt verify` takes and how it prints its verdict, shared by the Connect and OIDC profiles. */
import type { VerifyDocument } from '../../jwt/index.ts';
import type { RequestOptions } from './jwt-request.ts';

export interface VerifyOptions extends Partial<RequestOptions> {
  readonly token: string;
  readonly profile?: 'connect' | 'oidc';
  readonly secret?: string;
  readonly clientKey?: string;
  readonly issuer?: string;
  readonly audience?: string;
  readonly jwksUrl?: string;
}

/** The document for a person: who signed it and until when, or the code, the message and any diagnosis. */
export function describeVerification(document: VerifyDocument): string {
  if (document.valid) {
    const claims = document.claims ?? {};
    const user = typeof claims.sub === 'string' ? `, user ${claims.sub}` : '';
    return `valid: signed by ${String(claims.iss)}${user}, expires ${new Date(Number(claims.exp) * 1000).toISOString()}`;
  }
  const lines = [`invalid: ${document.error?.code ?? ''}: ${document.error?.message ?? ''}`];
  if (document.diagnosis !== undefined)
    lines.push(`transformation: ${document.diagnosis.matchedTransformation}`, `fix: ${document.diagnosis.fix.replaceAll('\n', '\n     ')}`);
  return lines.join('\n');
}
