/**
 * JWT capability: exact Atlassian Connect validation (HS256 + qsh for requests, RS256 for the
 * install lifecycle), a diagnosis of qsh mismatches caused by proxies, and a generic OIDC profile.
 */
export { canonicalRequest, canonicalPath, splitRawUrl, type RequestTarget } from './canonical-request.ts';
export { qsh, qshOfCanonical, CONTEXT_QSH } from './qsh.ts';
export { parseRawQuery, canonicalQuery, percentEncode, formDecode, type QueryParam } from './query.ts';
export { decodeToken, MAX_TOKEN_LENGTH, type DecodedToken, type JwtPayload } from './token.ts';
export { DEFAULT_LEEWAY_SECONDS } from './claims.ts';
export { createConnectVerifier, type ConnectVerifier, type ConnectVerification, type ConnectClaims, type VerifyRequestOptions } from './connect-verifier.ts';
export {
  CONNECT_SECRET_PREFIX,
  cachedSecretLookup,
  connectSecretName,
  readSharedSecret,
  saveInstallation,
  deleteInstallation,
  type SecretLookup,
  type ConnectInstallation,
} from './connect-installations.ts';
export { tokenFromRequest, headerValue } from './token-source.ts';
export { diagnoseQshMismatch, MAX_CANDIDATES, CAUSES, SETTINGS, fixFor, type ProxyKind, type ProxySetting, type SettingId } from './diagnosis/index.ts';
export { checkProxyConfig, checkPastedProxyConfig, ProxyConfigError, type ProxyCheckReport, type ProxyFinding } from './proxy-config/index.ts';
export { toVerifyDocument, type VerifyDocument } from './verify-document.ts';
export { createInstallKeyProvider, ATLASSIAN_INSTALL_KEYS_URL, type InstallKeyProvider } from './install-keys.ts';
export { handleLifecycle, verifyLifecycleToken, installedPayloadSchema, uninstalledPayloadSchema, type LifecyclePayload } from './lifecycle.ts';
export { connectVerifierFor, installKeysFor } from './compose.ts';
export { verifyOidcToken } from './oidc-profile.ts';
export { connectValidateInput, oidcValidateInput, jwtValidateInput } from './validate-input.ts';
export { LIFECYCLE_TOKEN_ITEMS } from './lifecycle-replay.ts';
export * from './errors.ts';
export { OidcRequestError } from './oidc-errors.ts';
