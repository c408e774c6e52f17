import type { ConnectionOptions } from 'node:tls';
import nodemailer from 'nodemailer';
import { MailAuthFailedError, StartTlsUnavailableError } from './errors.ts';
import type { MailLoginResult, MailServer } from './types.ts';

interface SmtpError extends Error {
  code?: string;
  response?: string;
  responseCode?: number;
}

/** Logs in to an SMTP server with nodemailer's AUTH XOAUTH2, over implicit TLS or required STARTTLS. */
export async function smtpLogin(
  server: MailServer,
  address: string,
  accessToken: string,
  tlsOptions: ConnectionOptions,
  timeoutMs: number,
): Promise<MailLoginResult> {
  const transport = nodemailer.createTransport({
    host: address,
    port: server.port,
    secure: server.security === 'tls',
    requireTLS: server.security === 'starttls',
    tls: tlsOptions,
    auth: { type: 'OAuth2', user: server.username, accessToken },
    logger: false,
    connectionTimeout: timeoutMs,
    greetingTimeout: timeoutMs,
    socketTimeout: timeoutMs,
  });
  try {
    await transport.verify();
  } catch (caught) {
    const error = caught as SmtpError;
    if (error.code === 'EAUTH') throw new MailAuthFailedError(server, 'XOAUTH2', error.response ?? error.message, undefined);
    if (error.code === 'ETLS' && /STARTTLS/i.test(error.message)) throw new StartTlsUnavailableError(server);
    throw caught;
  } finally {
    transport.close();
  }
  return { mechanism: 'XOAUTH2', tlsProtocol: undefined };
}
