import { TrustlineError } from '../errors.ts';
import type { Protocol } from './protocols.ts';

/** Where in a probe something went wrong; named in timeout and failure messages. */
export type ProbeStage = 'connect' | 'greeting' | 'starttls' | 'handshake';

/** Base of every certificate-check error; `code` is stable, the message is for a Jira admin. */
export class TlsCheckError extends TrustlineError {
  readonly code: string = 'TLS_CHECK_ERROR';
}

/** The TCP connection could not be opened (refused, unreachable, unknown host). */
export class ConnectFailedError extends TlsCheckError {
  override readonly code = 'CONNECT_FAILED';
  constructor(
    readonly address: string,
    reason: string,
    /** What a JVM throws for the same failure, e.g. `java.net.UnknownHostException: mail.example.com`. */
    readonly javaException: string,
    options?: ErrorOptions,
  ) {
    super(
      `Could not connect to ${address}: ${reason}.`,
      { actual: reason, fix: 'Check the host name, the port and any firewall between Trustline and the service.' },
      options,
    );
  }
}

/**
 * The server speaks another protocol than the one asked for (an IMAP greeting to an SMTP
 * check, plain text on an implicit-TLS port): the check, not the server, needs changing.
 */
export class ProtocolMismatchError extends TlsCheckError {
  override readonly code = 'PROTOCOL_MISMATCH';
  constructor(
    readonly address: string,
    /** What the server actually spoke, e.g. "IMAP". */
    readonly spoken: string,
    /** The `--protocol` that matches it. */
    readonly suggested: Protocol,
    asked: string,
    /** What the server did that shows it, as the end of "it …": `greeted "* OK IMAP ready"`. */
    evidence: string,
  ) {
    super(`${address} speaks ${spoken}, not ${asked}: it ${evidence}.`, {
      expected: asked,
      actual: evidence,
      fix: `Check it with --protocol ${suggested}.`,
    });
  }
}

/** The one overall deadline of a probe expired; the socket was destroyed. */
export class ProbeTimeoutError extends TlsCheckError {
  override readonly code = 'TIMEOUT';
  constructor(
    readonly address: string,
    readonly stage: ProbeStage,
    readonly timeoutMs: number,
  ) {
    const waiting: Record<ProbeStage, string> = {
      connect: 'while connecting',
      greeting: 'while waiting for the server to greet',
      starttls: 'while asking the server to start TLS',
      handshake: 'during the TLS handshake',
    };
    super(`No answer from ${address} within ${String(timeoutMs / 1000)} s (${waiting[stage]}).`, {
      expected: `an answer within ${String(timeoutMs / 1000)} s`,
      actual: `silence ${waiting[stage]}`,
      fix:
        stage === 'handshake' || stage === 'greeting'
          ? 'Check that the protocol matches the port: implicit TLS ports (443, 465, 636, 993, 995) never greet in plain text, STARTTLS ports (25, 110, 143, 389, 587) do.'
          : 'Check that the service is running and reachable from Trustline.',
    });
  }
}

/** The server would not upgrade the plain-text connection to TLS. */
export class StartTlsRefusedError extends TlsCheckError {
  override readonly code = 'STARTTLS_REFUSED';
  constructor(
    readonly address: string,
    expected: string,
    actual: string,
  ) {
    super(`${address} did not agree to start TLS: it answered "${actual}".`, {
      expected,
      actual,
      fix: 'Enable STARTTLS on the server, or use the implicit-TLS protocol and port if the service offers one.',
    });
  }
}

/** The TLS handshake itself failed (no common protocol version or cipher, wrong mode, reset). */
export class TlsHandshakeError extends TlsCheckError {
  override readonly code = 'TLS_FAILED';
  /** The server answered in plain text, not TLS. */
  plainText = false;
  constructor(
    readonly address: string,
    reason: string,
    fix: string,
    options?: ErrorOptions,
  ) {
    super(`The TLS handshake with ${address} failed: ${reason}.`, { actual: reason, fix }, options);
  }
}

/** A target Trustline cannot check: bad host, port or protocol. */
export class InvalidTargetError extends TlsCheckError {
  override readonly code = 'INVALID_TARGET';
  override readonly category = 'invalid-input';
  constructor(message: string, expected: string, actual: string) {
    super(message, { expected, actual });
  }
}

/** An endpoint id that does not exist. */
export class EndpointNotFoundError extends TlsCheckError {
  override readonly code = 'ENDPOINT_NOT_FOUND';
  override readonly category = 'not-found';
  constructor(readonly id: string) {
    super(`There is no certificate target with id "${id}".`);
  }
}

/** The truststore cannot be written in the requested form. */
export class ExportError extends TlsCheckError {
  override readonly code = 'EXPORT_FAILED';
}
