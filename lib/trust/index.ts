/** The managed truststore and THE one TLS-context builder every outbound connection uses. */
export type { TrustContext, TrustEntry, TrustStore } from './ports.ts';
export { createTrustStore, defaultAlias, TRUST_ITEMS, TRUST_KIND } from './trust-store.ts';
export { fixedTrustStore } from './fixed-trust-store.ts';
export { trustAddInput } from './add-input.ts';
export { createTrustContext, connectOptions, tlsOptions, TRUST_CACHE_MS, type TrustContextOptions } from './tls-context.ts';
export { commonName, fingerprintSha256, parsePemCertificates, parseSinglePem, toPem } from './pem.ts';
export {
  AliasTakenError,
  InvalidCertificateError,
  OutboundRefusedError,
  PrivateKeyNotAllowedError,
  ResponseTooLargeError,
  TooManyCertificatesError,
  TrustError,
} from './errors.ts';
export {
  createOutboundPolicy,
  DEFAULT_MAX_BODY_BYTES,
  isLoopbackAddress,
  MAX_REDIRECTS,
  type OutboundPolicy,
  type OutboundPolicyOptions,
  type OutboundPurpose,
} from './outbound-policy.ts';
