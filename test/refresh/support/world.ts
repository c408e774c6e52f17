import { randomBytes, randomUUID } from 'node:crypto';
import type { Integration } from '../../../lib/oauth/integration.ts';
import { insertIntegration, requireIntegration } from '../../../lib/oauth/integration-store.ts';
import type { OAuthServices } from '../../../lib/oauth/deps.ts';
import { redirectKey } from '../../../lib/oauth/redirect-key.ts';
import { type StoredTokens, readTokens, writeIntegrationSecret } from '../../../lib/oauth/token-store.ts';
import { createLeaseStore } from '../../../lib/store/lease.ts';
import { type TestServices, createTestServices } from '../../oauth/fixtures/services.ts';
import { memoryMetadata } from '../../support/tls/memory-metadata.ts';
import { type RotatingProvider, type RotatingProviderOptions, startRotatingProvider } from '../../support/oidc-provider-rotating.ts';
import { type CountingStores, countingStores } from './counting-stores.ts';
import { memorySecrets } from './memory-secrets.ts';

/** One seeded integration and the provider grant behind it. */
export interface Seeded {
  readonly id: string;
  readonly grantId: string;
}

export interface SeedOptions {
  /** The stored access token expires this long from now (ms). Default 5 minutes: due (margin 15 min). */
  readonly expiresInMs?: number;
  /** Seed writes in flight at once. */
  readonly concurrency?: number;
}

/**
 * The refresh tests' world: a rotating oidc-provider on loopback, the real embedded stores in a
 * temp directory behind counting wrappers, and integrations authorized at the provider without a
 * browser (their grants minted directly).
 */
/** What the world needs of its provider (a RotatingProvider in this process, or one in another). */
export type WorldProvider = Pick<
  RotatingProvider,
  'issuer' | 'authorizationEndpoint' | 'tokenEndpoint' | 'clientId' | 'clientSecret' | 'mintGrant' | 'refreshTokenUsable' | 'close'
>;

export interface RefreshWorld<P extends WorldProvider = RotatingProvider> {
  readonly provider: P;
  readonly services: TestServices;
  /** The ports the code under test gets: the counting stores over the real ones. */
  readonly deps: OAuthServices;
  readonly stores: CountingStores;
  seed(count: number, options?: SeedOptions): Promise<Seeded[]>;
  integration(id: string): Promise<Integration>;
  tokens(id: string): Promise<StoredTokens>;
  /** Whether the integration's stored refresh token is usable at the provider right now. */
  grantUsable(id: string): Promise<boolean>;
  close(): Promise<void>;
}

export interface WorldOptions extends RotatingProviderOptions {
  /** `memory`: in-memory stores instead of the embedded ones (the benchmark's "logic only" figure). */
  readonly stores?: 'local' | 'memory';
}

export async function startRefreshWorld(options: WorldOptions = {}, env: NodeJS.ProcessEnv = {}): Promise<RefreshWorld> {
  return refreshWorldOn(await startRotatingProvider(options), options, env);
}

/** The refresh world around a provider started elsewhere (the benchmark's provider process); closing the world closes it. */
export async function refreshWorldOn<P extends WorldProvider>(provider: P, options: WorldOptions = {}, env: NodeJS.ProcessEnv = {}): Promise<RefreshWorld<P>> {
  const local = await createTestServices('http://127.0.0.1:3999', env);
  const memory = options.stores === 'memory' ? memoryMetadata(local.clock) : undefined;
  const services: TestServices =
    memory === undefined ? local : { ...local, secrets: memorySecrets(), metadata: memory, leases: createLeaseStore(memory, local.clock) };
  const stores = countingStores(services.secrets, services.metadata, services.leases);
  const deps: OAuthServices = { ...services, secrets: stores.secrets, metadata: stores.metadata, leases: stores.leases };

  const seedOne = async (index: number, expiresInMs: number): Promise<Seeded> => {
    const { grantId, refreshToken } = await provider.mintGrant(`user-${index}@example.test`);
    const now = services.clock.now();
    const iso = (ms: number) => new Date(ms).toISOString();
    const integration: Integration = {
      id: randomUUID(),
      provider: 'custom',
      name: `mailbox ${index} ${randomBytes(4).toString('hex')}`,
      clientId: provider.clientId,
      clientSecretSet: true,
      scopes: ['mail', 'offline_access'],
      authorizationEndpoint: provider.authorizationEndpoint,
      tokenEndpoint: provider.tokenEndpoint,
      issuer: provider.issuer,
      redirectKey: redirectKey(provider.authorizationEndpoint, provider.tokenEndpoint),
      status: 'authorized',
      accessTokenExpiresAt: iso(now + expiresInMs),
      lastRefreshAt: iso(now - 3600_000),
      authorizedAt: iso(now - 3600_000),
      createdAt: iso(now - 3600_000),
      updatedAt: iso(now - 3600_000),
    };
    await writeIntegrationSecret(services.secrets, integration.id, {
      clientSecret: provider.clientSecret,
      tokens: {
        accessToken: `seeded-${randomBytes(16).toString('base64url')}`,
        refreshToken,
        tokenType: 'Bearer',
        expiresAt: now + expiresInMs,
        scope: 'mail offline_access',
        obtainedAt: now - 3600_000,
      },
    });
    await insertIntegration(services.metadata, integration);
    return { id: integration.id, grantId };
  };

  let seeded = 0;
  return {
    provider,
    services,
    deps,
    stores,
    async seed(count, seedOptions = {}) {
      const out: Seeded[] = [];
      const concurrency = seedOptions.concurrency ?? 32;
      for (let start = 0; start < count; start += concurrency) {
        const batch = Array.from({ length: Math.min(concurrency, count - start) }, (_, i) =>
          seedOne(seeded + start + i, seedOptions.expiresInMs ?? 5 * 60_000),
        );
        out.push(...(await Promise.all(batch)));
      }
      seeded += count;
      return out;
    },
    integration: (id) => requireIntegration(services.metadata, id),
    async tokens(id) {
      const tokens = await readTokens(services.secrets, id);
      if (tokens === undefined) throw new Error(`no tokens stored for ${id}`);
      return tokens;
    },
    async grantUsable(id) {
      const tokens = await readTokens(services.secrets, id);
      return tokens !== undefined && (await provider.refreshTokenUsable(tokens.refreshToken));
    },
    async close() {
      await provider.close();
      await local.close();
    },
  };
}
