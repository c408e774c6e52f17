import type { SecretStore } from '../store/index.ts';
import type { Clock } from '../clock.ts';
import { cachedSecretLookup } from './connect-installations.ts';
import { createConnectVerifier, type ConnectVerifier } from './connect-verifier.ts';
import { createInstallKeyProvider, type InstallKeyProvider } from './install-keys.ts';

/**
 * Per-process instances for handlers: a warm Lambda keeps its secret cache and its install
 * keys between invocations. Keyed by the ports they wrap, so tests that swap services get fresh ones.
 */

/** The value cached under (owner, key), made once by `make`. */
function cached<O extends object, V>(cache: WeakMap<O, Map<string, V>>, owner: O, key: string, make: () => V): V {
  let byKey = cache.get(owner);
  if (byKey === undefined) {
    byKey = new Map();
    cache.set(owner, byKey);
  }
  let value = byKey.get(key);
  if (value === undefined) {
    value = make();
    byKey.set(key, value);
  }
  return value;
}

const verifiers = new WeakMap<SecretStore, Map<string, ConnectVerifier>>();

/** The Connect request verifier over a SecretStore (secrets cached 60 s) for the app at `baseUrl`. */
export function connectVerifierFor(secrets: SecretStore, clock: Clock, baseUrl: string): ConnectVerifier {
  return cached(verifiers, secrets, baseUrl, () => createConnectVerifier({ secretFor: cachedSecretLookup(secrets, clock), baseUrl, clock }));
}

const keyProviders = new WeakMap<typeof globalThis.fetch, Map<string, InstallKeyProvider>>();

/** The install-key cache for one key server, fetching through the given (shared-trust) fetch. */
export function installKeysFor(fetch: typeof globalThis.fetch, baseUrl: string, clock: Clock, allowLoopbackHttp: boolean): InstallKeyProvider {
  return cached(keyProviders, fetch, baseUrl, () => createInstallKeyProvider({ baseUrl, fetch, clock, allowLoopbackHttp }));
}
