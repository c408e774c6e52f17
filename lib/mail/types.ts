/** A mail server Trustline logs in to with an OAuth 2.0 access token. */
export interface MailServer {
  readonly protocol: 'imap' | 'pop3' | 'smtp';
  readonly host: string;
  readonly port: number;
  /** `tls`: TLS from the first byte (993, 995, 465); `starttls`: upgrade required before login. */
  readonly security: 'tls' | 'starttls';
  readonly username: string;
}

export type SaslMechanism = 'XOAUTH2' | 'OAUTHBEARER';

/** A successful login. */
export interface MailLoginResult {
  readonly mechanism: SaslMechanism;
  /** The negotiated TLS version (`TLSv1.3`). */
  readonly tlsProtocol: string | undefined;
}

/** Options of one login attempt. */
export interface MailLoginOptions {
  /** One deadline for connect, TLS, greeting and authentication (default 12 s, so a test fits API Gateway's 30 s). */
  readonly timeoutMs?: number;
  /** POP3 only: force a mechanism instead of OAUTHBEARER-when-offered. */
  readonly mechanism?: SaslMechanism;
}

export const DEFAULT_MAIL_TIMEOUT_MS = 12_000;
