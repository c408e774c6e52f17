import type { ImapFlow } from 'imapflow';
import type { TrustContext } from '../trust/index.ts';
import { MailTimeoutError, toMailError } from './errors.ts';
import { imapLogin } from './imap.ts';
import { pop3Login } from './pop3.ts';
import type { Pop3Client } from './pop3-client.ts';
import { smtpLogin } from './smtp.ts';
import { mailTlsOptions } from './tls-options.ts';
import { DEFAULT_MAIL_TIMEOUT_MS, type MailLoginOptions, type MailLoginResult, type MailServer } from './types.ts';

/**
 * A real SASL login with an OAuth 2.0 access token (XOAUTH2, or OAUTHBEARER where offered) to
 * an IMAP, POP3 or SMTP server, over implicit TLS or STARTTLS trusting THE shared truststore.
 * Resolves with the mechanism used; rejects with a MailError saying what failed and what to do.
 */
export async function mailLogin(server: MailServer, accessToken: string, trust: TrustContext, options: MailLoginOptions = {}): Promise<MailLoginResult> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_MAIL_TIMEOUT_MS;
  const tlsOptions = await mailTlsOptions(trust, server.host);
  let pop3: Pop3Client | undefined;
  let imap: ImapFlow | undefined;
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      reject(new MailTimeoutError(server, timeoutMs));
    }, timeoutMs);
  });
  const attempt = (async () => {
    // Resolved and checked against the outbound policy once; the libraries then connect to that
    // address (with the name kept for SNI and the certificate check), so DNS cannot answer differently.
    const address = await trust.outbound.resolve(server.host, server.port, 'service');
    switch (server.protocol) {
      case 'imap':
        return imapLogin(server, address, accessToken, tlsOptions, timeoutMs, (client) => (imap = client));
      case 'pop3':
        return pop3Login(server, address, accessToken, tlsOptions, options, (client) => (pop3 = client));
      case 'smtp':
        return smtpLogin(server, address, accessToken, tlsOptions, timeoutMs);
    }
  })();
  try {
    return await Promise.race([attempt, deadline]);
  } catch (error) {
    pop3?.destroy();
    imap?.close();
    throw toMailError(error, server);
  } finally {
    clearTimeout(timer);
    attempt.catch(() => undefined);
  }
}
