import type { MailError, MailLoginOptions } from '../mail/index.ts';
import type { OAuthServices } from './deps.ts';
import { OAuthError } from './errors.ts';
import { requireIntegration } from './integration-store.ts';
import { refreshIntegration } from './refresh.ts';
import { type StoredTokens, readTokens } from './token-store.ts';

/** One step of a connection test, as `POST .../test` reports it. */
export interface TestStep {
  readonly name: 'token' | 'mail-login';
  readonly ok: boolean;
  readonly message: string;
  readonly code?: string;
  readonly fix?: string;
}

export interface ConnectionTestReport {
  readonly ok: boolean;
  readonly steps: readonly TestStep[];
}

/**
 * "Test connection": refreshes at the token endpoint (proving the grant and the client still
 * work), then, when a mail server is configured, logs in to it with the access token. A failed
 * refresh does not stop the mail step while the stored token is still valid.
 */
export async function testConnection(deps: OAuthServices, integrationId: string, mailOptions: MailLoginOptions = {}): Promise<ConnectionTestReport> {
  const integration = await requireIntegration(deps.metadata, integrationId);
  const steps: TestStep[] = [];
  let tokens: StoredTokens | undefined;
  try {
    const result = await refreshIntegration(deps, integrationId, { force: true });
    tokens = result.tokens;
    const host = new URL(integration.tokenEndpoint).host;
    const until = tokens.expiresAt === undefined ? 'with no stated expiry' : `valid until ${new Date(tokens.expiresAt).toISOString()}`;
    steps.push({ name: 'token', ok: true, message: `The token endpoint ${host} refreshed the access token; it is ${until}.` });
  } catch (error) {
    if (!(error instanceof OAuthError)) throw error;
    steps.push(failedStep('token', error));
    const stored = await readTokens(deps.secrets, integrationId).catch(() => undefined);
    if (stored !== undefined && (stored.expiresAt === undefined || stored.expiresAt > deps.clock.now())) tokens = stored;
  }
  const server = integration.mailServer;
  if (server !== undefined && tokens !== undefined) {
    const where = `${server.protocol.toUpperCase()} server ${server.host}:${server.port}`;
    // The mail clients (imapflow, nodemailer and their charset tables) load only here: the other routes of a function never need them.
    // MailError comes from the same import: a static import of any value of lib/mail would put the whole
    // module, which this import needs entire, in a chunk the function loads at start.
    const { mailLogin, MailError } = await import('../mail/index.ts');
    try {
      const login = await mailLogin(server, tokens.accessToken, deps.trust, mailOptions);
      const over = server.security === 'tls' ? 'implicit TLS' : 'STARTTLS';
      steps.push({
        name: 'mail-login',
        ok: true,
        message: `Logged in to the ${where} as ${server.username} with ${login.mechanism} over ${over}${login.tlsProtocol === undefined ? '' : ` (${login.tlsProtocol})`}.`,
      });
    } catch (error) {
      if (!(error instanceof MailError)) throw error;
      steps.push(failedStep('mail-login', error));
    }
  } else if (server !== undefined) {
    steps.push({ name: 'mail-login', ok: false, message: 'Skipped: there is no valid access token to log in with.', code: 'NO_ACCESS_TOKEN' });
  }
  return { ok: steps.every((step) => step.ok), steps };
}

function failedStep(name: TestStep['name'], error: OAuthError | MailError): TestStep {
  return { name, ok: false, message: error.message, code: error.code, ...(error.fix === undefined ? {} : { fix: error.fix }) };
}
