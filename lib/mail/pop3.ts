import { MailAuthFailedError, MailProtocolError, NoOAuthMechanismError, StartTlsInjectionError, StartTlsUnavailableError } from './errors.ts';
import { Pop3Client } from './pop3-client.ts';
import { decodeFailureChallenge, oauthbearer, xoauth2 } from './sasl.ts';
import type { MailLoginOptions, MailLoginResult, MailServer, SaslMechanism } from './types.ts';
import type { ConnectionOptions } from 'node:tls';

/**
 * Logs in to a POP3 server with AUTH XOAUTH2 (OAUTHBEARER where offered), over implicit TLS or
 * STLS. This is the path Jira lacks for Microsoft 365 POP3.
 */
export async function pop3Login(
  server: MailServer,
  address: string,
  accessToken: string,
  tlsOptions: ConnectionOptions,
  options: MailLoginOptions,
  track: (client: Pop3Client) => void,
): Promise<MailLoginResult> {
  const client = Pop3Client.open(address, server.port, server.security === 'tls' ? tlsOptions : undefined);
  track(client);
  try {
    const greeting = await client.readLine();
    if (!greeting.startsWith('+OK')) throw new MailProtocolError(server, greeting);
    let capabilities = await client.capabilities();
    if (server.security === 'starttls') {
      if (!(capabilities ?? []).includes('STLS')) throw new StartTlsUnavailableError(server);
      const { answer, injected } = await client.startTls(server.host, tlsOptions);
      if (injected) throw new StartTlsInjectionError(server);
      if (!answer.startsWith('+OK')) throw new StartTlsUnavailableError(server);
      // RFC 2595: capabilities learned before TLS are discarded.
      capabilities = await client.capabilities();
    }
    const offered =
      (capabilities ?? [])
        .find((line) => line.toUpperCase().startsWith('SASL '))
        ?.slice(5)
        .toUpperCase()
        .split(/\s+/) ?? [];
    const mechanism = chooseMechanism(offered, options.mechanism);
    if (mechanism === undefined) throw new NoOAuthMechanismError(server, offered);
    const initial = mechanism === 'OAUTHBEARER' ? oauthbearer(server.username, server.host, server.port, accessToken) : xoauth2(server.username, accessToken);
    let answer = await authenticate(client, mechanism, initial);
    let oauthStatus: string | undefined;
    if (answer.startsWith('+ ') || answer === '+') {
      // A failure challenge: the client must answer (empty line for XOAUTH2, ^A for OAUTHBEARER) to get -ERR.
      const challenge = decodeFailureChallenge(answer.slice(1));
      oauthStatus = typeof challenge?.status === 'string' ? challenge.status : undefined;
      answer = await client.command(mechanism === 'OAUTHBEARER' ? 'AQ==' : '');
    }
    if (!answer.startsWith('+OK')) throw new MailAuthFailedError(server, mechanism, answer, oauthStatus);
    const result = { mechanism, tlsProtocol: client.tlsProtocol };
    await client.quit();
    return result;
  } catch (error) {
    client.destroy();
    throw error;
  }
}

/** RFC 5034: an AUTH line over 255 octets must not carry the initial response; tokens usually make it longer. */
async function authenticate(client: Pop3Client, mechanism: SaslMechanism, initial: string): Promise<string> {
  const line = `AUTH ${mechanism} ${initial}`;
  if (line.length + 2 <= 255) return client.command(line);
  const ready = await client.command(`AUTH ${mechanism}`);
  if (ready !== '+' && ready !== '+ ') return ready;
  return client.command(initial);
}

/** OAUTHBEARER when offered (the standard), else XOAUTH2; a forced choice must be offered. */
function chooseMechanism(offered: readonly string[], forced: SaslMechanism | undefined): SaslMechanism | undefined {
  if (forced !== undefined) return offered.includes(forced) ? forced : undefined;
  if (offered.includes('OAUTHBEARER')) return 'OAUTHBEARER';
  if (offered.includes('XOAUTH2')) return 'XOAUTH2';
  return undefined;
}
