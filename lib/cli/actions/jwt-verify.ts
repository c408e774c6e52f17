/** What `trustline jwt verify` does, loaded only when it runs (commands/jwt.ts declares it). */
import { readSharedSecret, type SecretLookup } from '../../jwt/connect-installations.ts';
import { createConnectVerifier } from '../../jwt/connect-verifier.ts';
import { toVerifyDocument, type VerifyDocument } from '../../jwt/verify-document.ts';
import { registerSecret } from '../../observe/redact.ts';
import { type CommandResult, EXIT } from '../output.ts';
import { checked, JwtUsageError, type RequestOptions } from './jwt-request.ts';

export interface VerifyOptions extends Partial<RequestOptions> {
  readonly token: string;
  readonly profile?: 'connect' | 'oidc';
  readonly secret?: string;
  readonly clientKey?: string;
  readonly issuer?: string;
  readonly audience?: string;
  readonly jwksUrl?: string;
}

/** `jwt verify`: the verification document; exit 1 when the token is invalid. */
export async function verifyCommand(options: VerifyOptions): Promise<CommandResult> {
  if (options.profile === 'oidc') return (await import('./jwt-oidc.ts')).oidcVerifyCommand(options);
  const { method, url } = options;
  if (method === undefined || url === undefined) throw new JwtUsageError('A Connect token is verified against a request: give --method and --url.', 'or --profile oidc for an OIDC token');
  return connectVerifyCommand({ ...options, method, url });
}

async function connectVerifyCommand(options: VerifyOptions & RequestOptions): Promise<CommandResult> {
  checked(options);
  if ((options.secret === undefined) === (options.clientKey === undefined)) throw new JwtUsageError('Give exactly one of --secret or --client-key.');
  registerSecret(options.token);
  registerSecret(options.secret);
  const verifier = createConnectVerifier({ secretFor: await secretSource(options), ...(options.baseUrl === undefined ? {} : { baseUrl: options.baseUrl }) });
  const document = toVerifyDocument(await verifier.verify(options.token, options));
  return { document, text: describeVerification(document), exitCode: document.valid ? EXIT.ok : EXIT.failed };
}

async function secretSource(options: VerifyOptions): Promise<SecretLookup> {
  const { secret, clientKey } = options;
  if (secret !== undefined) return () => Promise.resolve(secret);
  // The token must come from the named client: any other issuer is unknown here.
  const { services } = await import('../../runtime/services.ts');
  const { secrets } = await services();
  return (issuer) => (issuer === clientKey ? readSharedSecret(secrets, issuer) : Promise.resolve(undefined));
}

/** The document for a person: who signed it and until when, or the code, the message and any diagnosis. */
export function describeVerification(document: VerifyDocument): string {
  if (document.valid) {
    const claims = document.claims ?? {};
    const user = typeof claims.sub === 'string' ? `, user ${claims.sub}` : '';
    return `valid: signed by ${String(claims.iss)}${user}, expires ${new Date(Number(claims.exp) * 1000).toISOString()}`;
  }
  const lines = [`invalid: ${document.error?.code ?? ''}: ${document.error?.message ?? ''}`];
  if (document.diagnosis !== undefined) lines.push(`transformation: ${document.diagnosis.matchedTransformation}`, `fix: ${document.diagnosis.fix}`);
  return lines.join('\n');
}
