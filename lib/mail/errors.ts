import { TrustlineError } from '../errors.ts';
import { redactString } from '../observe/index.ts';
import { OutboundRefusedError } from '../trust/index.ts';
import type { MailServer } from './types.ts';
import { trustlineCommand } from '../shell-quote.ts';

/** Base of every error of lib/mail: a stable `code`, plain words, and what to do. */
export class MailError extends TrustlineError {
  constructor(
    readonly code: string,
    message: string,
    details: { fix?: string } = {},
    options?: ErrorOptions,
  ) {
    super(message, details, options);
  }
}

/** `--protocol` for certs check and trust add --from: how this mail server speaks TLS. */
const protocolArgs = (server: MailServer): string[] => ['--protocol', server.security === 'starttls' ? `${server.protocol}-starttls` : `${server.protocol}s`];

const where = (server: MailServer): string => `${server.protocol.toUpperCase()} server ${server.host}:${server.port}`;

export class MailConnectError extends MailError {
  constructor(server: MailServer, reason: string, options?: ErrorOptions) {
    super(
      'MAIL_CONNECT_FAILED',
      `Trustline could not connect to the ${where(server)} (${reason}).`,
      {
        fix: 'Check the host, the port and any firewall between Trustline and the mail server.',
      },
      options,
    );
  }
}

export class MailTimeoutError extends MailError {
  constructor(server: MailServer, timeoutMs: number) {
    super('MAIL_TIMEOUT', `The ${where(server)} did not complete the login within ${Math.round(timeoutMs / 1000)} s.`, {
      fix: 'Check the port and the security setting: implicit TLS on a STARTTLS port (or the reverse) hangs like this.',
    });
  }
}

export class MailTlsError extends MailError {
  constructor(server: MailServer, reason: string, options?: ErrorOptions) {
    super(
      'MAIL_TLS_FAILED',
      `Trustline does not trust the TLS certificate of the ${where(server)} (${reason}).`,
      {
        fix: `Inspect it with \`${trustlineCommand('certs', 'check', `${server.host}:${server.port}`, ...protocolArgs(server))}\`; if the certificate is right, add its CA with \`${trustlineCommand('trust', 'add', '--from', `${server.host}:${server.port}`, ...protocolArgs(server))}\`.`,
      },
      options,
    );
  }
}

export class StartTlsUnavailableError extends MailError {
  constructor(server: MailServer) {
    super('MAIL_STARTTLS_UNAVAILABLE', `The ${where(server)} does not offer STARTTLS, and Trustline never sends a token in clear text.`, {
      fix: 'Use security "tls" with the implicit-TLS port (993, 995 or 465), or enable STARTTLS on the server.',
    });
  }
}

export class NoOAuthMechanismError extends MailError {
  constructor(server: MailServer, offered: readonly string[]) {
    super('MAIL_NO_OAUTH_MECHANISM', `The ${where(server)} offers no OAuth 2.0 login (offered: ${offered.join(' ') || 'none'}).`, {
      fix: 'Enable XOAUTH2 or OAUTHBEARER on the server (for Microsoft 365: turn on authenticated SMTP / POP / IMAP for the mailbox).',
    });
  }
}

export class MailAuthFailedError extends MailError {
  constructor(
    server: MailServer,
    readonly mechanism: string,
    readonly serverResponse: string,
    readonly oauthStatus: string | undefined,
  ) {
    super('MAIL_AUTH_FAILED', `The ${where(server)} refused the ${mechanism} login for ${server.username}: ${redactString(serverResponse)}`, {
      fix: 'Check that the mail server username is the account that authorized the integration, that the scopes include mail access, and that the mailbox allows IMAP/POP/SMTP.',
    });
  }
}

/**
 * The server sent more after agreeing to STARTTLS/STLS, before the handshake: what arrives in
 * clear text there may have been injected on the path and would be read as if it came over TLS
 * (RFC 2595 §4, RFC 3207 §4.2), so the session stops.
 */
export class StartTlsInjectionError extends MailError {
  constructor(server: MailServer) {
    super(
      'MAIL_STARTTLS_INJECTION',
      `The ${where(server)} sent data in clear text after agreeing to start TLS; Trustline stopped before the handshake, because those bytes may have been injected on the network path.`,
      {
        fix: 'Check the network path to the mail server for a proxy or middlebox that tampers with the connection, or use implicit TLS (security "tls") where the server offers it.',
      },
    );
  }
}

export class MailProtocolError extends MailError {
  constructor(server: MailServer, detail: string) {
    super('MAIL_PROTOCOL_ERROR', `The ${where(server)} answered something Trustline did not expect: ${redactString(detail)}`, {
      fix: 'Check that the port belongs to the chosen protocol.',
    });
  }
}

const TLS_TRUST_CODES = new Set([
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'CERT_UNTRUSTED',
]);

/** Turns a socket, TLS or library failure into a MailError. */
export function toMailError(error: unknown, server: MailServer): MailError {
  if (error instanceof MailError) return error;
  // The outbound policy refused the server's address (link-local, the Lambda runtime API).
  if (error instanceof OutboundRefusedError) return new MailConnectError(server, error.message.replace(/\.$/, ''), { cause: error });
  // nodemailer wraps socket errors as ESOCKET and keeps the system or TLS code as originalCode.
  const raw = error as { code?: unknown; originalCode?: unknown } | undefined;
  const code = typeof raw?.originalCode === 'string' ? raw.originalCode : raw?.code;
  const text = error instanceof Error ? error.message : String(error);
  if (typeof code === 'string' && TLS_TRUST_CODES.has(code)) return new MailTlsError(server, code, { cause: error });
  if (typeof code === 'string' && /^(ECONNREFUSED|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH|ENETUNREACH|ECONNRESET|ETIMEDOUT|EPIPE)$/.test(code)) {
    return new MailConnectError(server, code, { cause: error });
  }
  if (/wrong version number|packet length too long|handshake|SSL routines/i.test(text)) {
    return new MailConnectError(server, `TLS handshake failed: ${redactString(text)}; is the security setting right for this port?`, { cause: error });
  }
  return new MailProtocolError(server, text);
}
