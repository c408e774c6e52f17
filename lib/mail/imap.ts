import type { ConnectionOptions } from 'node:tls';
import { ImapFlow } from 'imapflow';
import { MailAuthFailedError, NoOAuthMechanismError, StartTlsInjectionError, StartTlsUnavailableError } from './errors.ts';
import type { MailLoginResult, MailServer, SaslMechanism } from './types.ts';

interface ImapAuthError extends Error {
  code?: string;
  authenticationFailed?: boolean;
  tlsFailed?: boolean;
  response?: string;
  oauthError?: { status?: string };
}

/** Logs in to an IMAP server with imapflow: OAUTHBEARER where offered, else XOAUTH2; never in clear text. */
export async function imapLogin(
  server: MailServer,
  address: string,
  accessToken: string,
  tlsOptions: ConnectionOptions,
  timeoutMs: number,
  track: (client: ImapFlow) => void,
): Promise<MailLoginResult> {
  const client = new ImapFlow({
    host: address,
    port: server.port,
    secure: server.security === 'tls',
    // Required, not opportunistic: a token must never cross the wire in clear text.
    ...(server.security === 'starttls' ? { doSTARTTLS: true } : {}),
    tls: tlsOptions,
    auth: { user: server.username, accessToken },
    logger: false,
    disableAutoIdle: true,
    connectionTimeout: timeoutMs,
    greetingTimeout: timeoutMs,
    socketTimeout: timeoutMs,
  });
  track(client);
  // imapflow reports socket failures as events as well; the rejected connect() carries them.
  client.on('error', () => undefined);
  try {
    await client.connect();
  } catch (caught) {
    const error = caught as ImapAuthError;
    // imapflow refuses a server that sent data after its STARTTLS answer (RFC 9051 §6.2.1).
    if (error.code === 'STARTTLS_INJECTION') throw new StartTlsInjectionError(server);
    if (error.tlsFailed === true && /does not support STARTTLS/i.test(error.message)) throw new StartTlsUnavailableError(server);
    if (error.authenticationFailed === true) {
      throw new MailAuthFailedError(server, usedMechanism(client) ?? 'OAuth', error.response ?? error.message, error.oauthError?.status);
    }
    if (/authentication mechanism/i.test(error.message)) throw new NoOAuthMechanismError(server, offeredMechanisms(client));
    throw caught;
  }
  const mechanism = usedMechanism(client) ?? 'XOAUTH2';
  const socket = (client as unknown as { socket?: { getProtocol?: () => string | null } }).socket;
  const tlsProtocol = socket?.getProtocol?.() ?? undefined;
  await client.logout().catch(() => undefined);
  return { mechanism, tlsProtocol };
}

/** imapflow records which AUTH= capability it used (true) among those offered (false). */
function authCapabilities(client: ImapFlow): Map<string, boolean> {
  return (client as unknown as { authCapabilities?: Map<string, boolean> }).authCapabilities ?? new Map<string, boolean>();
}

function usedMechanism(client: ImapFlow): SaslMechanism | undefined {
  const caps = authCapabilities(client);
  if (caps.get('AUTH=OAUTHBEARER') === true) return 'OAUTHBEARER';
  if (caps.get('AUTH=XOAUTH2') === true) return 'XOAUTH2';
  if (caps.has('AUTH=OAUTHBEARER')) return 'OAUTHBEARER';
  if (caps.has('AUTH=XOAUTH2')) return 'XOAUTH2';
  return undefined;
}

function offeredMechanisms(client: ImapFlow): string[] {
  return [...authCapabilities(client).keys()].map((capability) => capability.replace(/^AUTH=/, ''));
}
