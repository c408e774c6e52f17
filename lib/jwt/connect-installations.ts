import { registerSecret } from '../observe/index.ts';
import type { SecretStore } from '../store/index.ts';
import type { Clock } from '../clock.ts';

/**
 * Connect installations: one secret per client, `trustline/connect/{clientKey}`, holding the
 * shared secret Jira sent in its `installed` callback.
 */

/** Secret-name prefix of Connect installations, below `trustline/` (for the manifest's access grants). */
export const CONNECT_SECRET_PREFIX = 'connect/';

/** What the `installed` callback leaves in the secret. */
export interface ConnectInstallation {
  readonly clientKey: string;
  readonly sharedSecret: string;
  /** The site's base URL (`https://example.atlassian.net`), for the administrator's reference. */
  readonly baseUrl: string;
  readonly installedAt: string;
  /** `iat` of the verified token that installed it (seconds): an older lifecycle token is refused. */
  readonly tokenIssuedAt?: number;
}

/** Longest client key Trustline stores (Cloud keys are UUIDs; Server keys are a little longer). */
export const MAX_CLIENT_KEY_LENGTH = 128;

const KEPT = /[A-Za-z0-9_+@-]/;

/**
 * The secret name of a client key. Characters a Secrets Manager name cannot hold (`:` in
 * `jira:1234`), and `/` and `.` (no hierarchy, no dot segments), become `=XX` of their UTF-8 bytes.
 * Undefined for empty or over-long keys.
 */
export function connectSecretName(clientKey: string): string | undefined {
  if (clientKey === '' || clientKey.length > MAX_CLIENT_KEY_LENGTH) return undefined;
  let name = '';
  for (const char of clientKey) {
    if (KEPT.test(char)) name += char;
    else for (const byte of Buffer.from(char, 'utf8')) name += `=${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return `trustline/${CONNECT_SECRET_PREFIX}${name}`;
}

/** Stores (or replaces, on reinstall) the installation of a client. */
export async function saveInstallation(secrets: SecretStore, installation: ConnectInstallation): Promise<void> {
  registerSecret(installation.sharedSecret);
  const name = connectSecretName(installation.clientKey);
  if (name === undefined) throw new RangeError(`client key length must be 1..${MAX_CLIENT_KEY_LENGTH}`);
  await secrets.put(name, JSON.stringify(installation));
}

/** Removes a client's installation; removing an unknown client is not an error. */
export async function deleteInstallation(secrets: SecretStore, clientKey: string): Promise<void> {
  const name = connectSecretName(clientKey);
  if (name !== undefined) await secrets.delete(name);
}

/** The stored installation of a client (as far as it could be read), or undefined when it is not installed. */
export async function readInstallation(secrets: SecretStore, clientKey: string): Promise<Partial<ConnectInstallation> | undefined> {
  const name = connectSecretName(clientKey);
  if (name === undefined) return undefined;
  const stored = await secrets.get(name);
  if (stored === undefined) return undefined;
  return JSON.parse(stored.value) as Partial<ConnectInstallation>;
}

/** The shared secret of a client, or undefined when it is not installed. */
export async function readSharedSecret(secrets: SecretStore, clientKey: string): Promise<string | undefined> {
  const installation = await readInstallation(secrets, clientKey);
  if (typeof installation?.sharedSecret !== 'string' || installation.sharedSecret === '') return undefined;
  registerSecret(installation.sharedSecret);
  return installation.sharedSecret;
}

/** Finds the shared secret of a client key; `fresh` bypasses any cache (after a failed signature check). */
export type SecretLookup = (clientKey: string, options?: { readonly fresh?: boolean }) => Promise<string | undefined>;

/**
 * A lookup over the SecretStore that keeps each answer for `ttlMs`: every Connect request
 * needs the secret, and a Secrets Manager call per request would cost more than the check.
 * The verifier asks again with `fresh` when a cached secret fails, so a reinstall takes effect at
 * once; an unknown client is remembered only for `missTtlMs`, so a fresh install is seen quickly.
 */
export function cachedSecretLookup(secrets: SecretStore, clock: Clock, ttlMs = 60_000, missTtlMs = 5_000, maxEntries = 1000): SecretLookup {
  const cache = new Map<string, { secret: string | undefined; at: number; until: number }>();
  return async (clientKey, options) => {
    const now = clock.now();
    const hit = cache.get(clientKey);
    // `fresh` is honoured at most once per missTtlMs per client: forged tokens must not turn into a store call each.
    const refresh = options?.fresh === true && hit !== undefined && now - hit.at >= missTtlMs;
    if (hit !== undefined && hit.until > now && !refresh) return hit.secret;
    const secret = await readSharedSecret(secrets, clientKey);
    if (cache.size >= maxEntries) cache.clear();
    cache.set(clientKey, { secret, at: now, until: now + (secret === undefined ? missTtlMs : ttlMs) });
    return secret;
  };
}
