import type { Clock, SecretStore } from '../store/ports.ts';
import { cachedSecretLookup } from './connect-installations.ts';
import { createConnectVerifier, type ConnectVerifier } from './connect-verifier.ts';
import { createInstallKeyProvider, type InstallKeyProvider } from './install-keys.ts';

/**
 * Per-process instances for handlers: a warm Lambda keeps its secret cache and its install
 * keys between invocations. Keyed by the ports they wrap, so tests that swap services get fresh ones.
 */

const verifiers = new WeakMap<SecretStore, Map<string, ConnectVerifier>>();

/** The Connect request verifier over a SecretStore (secrets cached 60 s) for the app at `baseUrl`. */
export function connectVerifierFor(secrets: SecretStore, clock: Clock, baseUrl: string): ConnectVerifier {
  let byBase = verifiers.get(secrets);
  if (byBase === undefined) {
    byBase = new Map();
    verifiers.set(secrets, byBase);
  }
  let verifier = byBase.get(baseUrl);
  if (verifier === undefined) {
    verifier = createConnectVerifier({ secretFor: cachedSecretLookup(secrets, clock), baseUrl, clock });
    byBase.set(baseUrl, verifier);
  }
  return verifier;
}

const keyProviders = new WeakMap<typeof globalThis.fetch, Map<string, InstallKeyProvider>>();

/** The install-key cache for one key server, fetching through the given (shared-trust) fetch. */
export function installKeysFor(fetch: typeof globalThis.fetch, baseUrl: string, clock: Clock, allowLoopbackHttp: boolean): InstallKeyProvider {
  let byUrl = keyProviders.get(fetch);
  if (byUrl === undefined) {
    byUrl = new Map();
    keyProviders.set(fetch, byUrl);
  }
  let provider = byUrl.get(baseUrl);
  if (provider === undefined) {
    provider = createInstallKeyProvider({ baseUrl, fetch, clock, allowLoopbackHttp });
    byUrl.set(baseUrl, provider);
  }
  return provider;
}
