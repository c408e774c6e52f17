/** What `trustline jwt verify` does, loaded only when it runs (commands/jwt.ts declares it). */
import { readSharedSecret, type SecretLookup, createConnectVerifier, toVerifyDocument } from '../../jwt/index.ts';
import { registerSecret } from '../../observe/index.ts';
import { type CommandResult, EXIT } from '../output.ts';
import { checked, JwtUsageError, type RequestOptions } from './jwt-request.ts';
import { describeVerification, type VerifyOptions } from './jwt-verify-text.ts';

/** `jwt verify`: the verification document; exit 1 when the token is invalid. */
export async function verifyCommand(options: VerifyOptions): Promise<CommandResult> {
  if (options.profile === 'oidc') return (await import('./jwt-oidc.ts')).oidcVerifyCommand(options);
  const { method, url } = options;
  if (method === undefined || url === undefined)
    throw new JwtUsageError('A Connect token is verified against a request: give --method and --url.', 'or --profile oidc for an OIDC token');
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
