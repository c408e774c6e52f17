import { TrustlineError } from '../errors.ts';

/** Base of every truststore error; `code` is stable, the message is for a Jira admin. */
export class TrustError extends TrustlineError {
  readonly code: string = 'TRUST_ERROR';
}

/** The text given is not one PEM certificate Trustline can read. */
export class InvalidCertificateError extends TrustError {
  override readonly code = 'INVALID_CERTIFICATE';
  override readonly category = 'invalid-input';
  constructor(actual: string, options?: ErrorOptions) {
    super(
      `This is not a certificate Trustline can read: ${actual}.`,
      {
        expected: 'one PEM certificate (-----BEGIN CERTIFICATE----- ... -----END CERTIFICATE-----)',
        actual,
        fix: 'Export the certificate as PEM (for example with `openssl x509 -outform PEM`) and add it again.',
      },
      options,
    );
  }
}

/** A PEM bundle was given where exactly one certificate is expected. */
export class TooManyCertificatesError extends TrustError {
  override readonly code = 'TOO_MANY_CERTIFICATES';
  override readonly category = 'invalid-input';
  constructor(readonly count: number) {
    super(`The file holds ${String(count)} certificates; a truststore entry is exactly one certificate.`, {
      expected: '1 certificate',
      actual: `${String(count)} certificates`,
      fix: 'Split the bundle and add each certificate you want to trust on its own.',
    });
  }
}

/** A private key was pasted with the certificate; Trustline never stores one. */
export class PrivateKeyNotAllowedError extends TrustError {
  override readonly code = 'PRIVATE_KEY_NOT_ALLOWED';
  override readonly category = 'invalid-input';
  constructor() {
    super('The text contains a private key. A truststore needs only the public certificate; the key was not stored.', {
      expected: 'a certificate only',
      actual: 'a private key block',
      fix: 'Remove the PRIVATE KEY block and send the certificate alone.',
    });
  }
}

/** The alias is already used by another entry (keytool refuses duplicate aliases too). */
export class AliasTakenError extends TrustError {
  override readonly code = 'ALIAS_TAKEN';
  override readonly category = 'conflict';
  constructor(
    readonly alias: string,
    readonly existingFingerprint: string,
  ) {
    super(`The alias "${alias}" is already used by another truststore entry.`, {
      expected: 'an unused alias',
      actual: alias,
      fix: 'Choose another alias or leave it out to let Trustline pick a unique one.',
    });
  }
}

/** An outbound connection the outbound policy does not allow (lib/trust/outbound-policy.ts). */
export class OutboundRefusedError extends TrustError {
  override readonly code = 'OUTBOUND_REFUSED';
  constructor(
    readonly target: string,
    /** Why, in words that follow "refused because". */
    readonly reason: string,
  ) {
    super(`Trustline does not connect to ${target}: ${reason}.`, {
      expected: 'a public or private-network address',
      actual: target,
      fix: 'Point the setting at the service itself, not at a link-local, metadata or runtime address.',
    });
  }
}

/** A response larger than the outbound policy allows (counted after decompression). */
export class ResponseTooLargeError extends TrustError {
  override readonly code = 'RESPONSE_TOO_LARGE';
  constructor(
    readonly url: string,
    readonly limit: number,
  ) {
    super(`The answer of ${url} is larger than ${String(limit)} bytes; Trustline stopped reading it.`, {
      expected: `at most ${String(limit)} bytes`,
      fix: 'Check that the URL names the endpoint itself, not a page or a file download.',
    });
  }
}
