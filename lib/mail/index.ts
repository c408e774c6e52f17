/** Mail logins with OAuth 2.0 tokens: IMAP (imapflow), POP3 (own client), SMTP (nodemailer). */
export { mailLogin } from './login.ts';
export type { MailLoginOptions, MailLoginResult, MailServer, SaslMechanism } from './types.ts';
export {
  MailAuthFailedError,
  MailConnectError,
  MailError,
  MailProtocolError,
  MailTimeoutError,
  MailTlsError,
  NoOAuthMechanismError,
  StartTlsInjectionError,
  StartTlsUnavailableError,
} from './errors.ts';
export { oauthbearer, xoauth2 } from './sasl.ts';
