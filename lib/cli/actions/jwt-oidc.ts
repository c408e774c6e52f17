/** What `trustline jwt verify --profile oidc` does, loaded only when it runs. */
import { OidcRequestError, verifyOidcToken } from '../../jwt/index.ts';
import { registerSecret } from '../../observe/index.ts';
import { type CommandResult, EXIT } from '../output.ts';
import { describeVerification, type VerifyOptions } from './jwt-verify-text.ts';
import { JwtUsageError } from './jwt-request.ts';

/**
 * Verifies an OIDC token standalone: discovery and keys are fetched through a trust context of
 * Node's roots (no server needed), plain-http loopback issuers only with TRUSTLINE_DEV_ALLOW_LOOPBACK_HTTP=1.
 */
export async function oidcVerifyCommand(options: VerifyOptions): Promise<CommandResult> {
  const { issuer, audience, jwksUrl } = options;
  if (issuer === undefined || audience === undefined)
    throw new JwtUsageError('An OIDC token is verified against its issuer and audience: give --issuer and --audience.');
  registerSecret(options.token);
  const [{ createTrustContext, fixedTrustStore }, { loadConfig }] = await Promise.all([import('../../trust/index.ts'), import('../../runtime/config.ts')]);
  const trust = createTrustContext(fixedTrustStore(''));
  try {
    const document = await verifyOidcToken(
      options.token,
      { issuer, audience, ...(jwksUrl === undefined ? {} : { jwksUrl }) },
      { fetch: trust.fetch, allowLoopbackHttp: loadConfig().allowLoopbackHttp },
    );
    return { document, text: describeVerification(document), exitCode: document.valid ? EXIT.ok : EXIT.failed };
  } catch (error) {
    if (error instanceof OidcRequestError) throw new JwtUsageError(error.message, error.fix, { cause: error });
    throw error;
  }
}
