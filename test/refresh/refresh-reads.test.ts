import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TokenEndpointError } from '../../lib/oauth/errors.ts';
import { INTEGRATION_KIND, updateIntegration } from '../../lib/oauth/integration-store.ts';
import { refreshIntegration } from '../../lib/oauth/refresh.ts';
import { readIntegrationSecret, writeIntegrationSecret } from '../../lib/oauth/token-store.ts';
import type { Lease, NewItem, PutCondition } from '../../lib/store/ports.ts';
import { type RefreshWorld, startRefreshWorld } from './support/world.ts';

/**
 * What one refresh reads and writes: the integration is read once under the lease and its
 * outcome written conditionally on that read, so a change made meanwhile is kept, never lost.
 */
describe('a refresh reads each record once and loses no concurrent change', () => {
  let world: RefreshWorld;
  beforeEach(async () => {
    world = await startRefreshWorld({ stores: 'memory' });
  });
  afterEach(() => world.close());

  const describeMeanwhile = (id: string) =>
    updateIntegration(world.services.metadata, id, (current) => ({ ...current, description: 'changed during the token call' }));

  it('reads the integration once and the secret once, and writes each once', async () => {
    const [s] = await world.seed(1);
    world.stores.counts.reset();
    const { refreshed } = await refreshIntegration(world.deps, s!.id, { whenDue: true });
    expect(refreshed).toBe(true);
    const { metadataReads, metadataWrites, secretReads, secretWrites } = world.stores.counts;
    expect({ metadataReads, metadataWrites, secretReads, secretWrites }).toEqual({ metadataReads: 1, metadataWrites: 1, secretReads: 1, secretWrites: 1 });
  });

  it('sends the lease release with the outcome write, not after it has landed', async () => {
    const [s] = await world.seed(1);
    const events: string[] = [];
    const { metadata, leases } = world.deps;
    const deps = {
      ...world.deps,
      metadata: {
        ...metadata,
        async put<T>(item: NewItem<T>, condition?: PutCondition) {
          const outcome = item.kind === INTEGRATION_KIND;
          if (outcome) events.push('outcome sent');
          const stored = await metadata.put(item, condition);
          if (outcome) events.push('outcome stored');
          return stored;
        },
      },
      leases: {
        ...leases,
        release(lease: Lease) {
          events.push('release sent');
          return leases.release(lease);
        },
      },
    };
    expect((await refreshIntegration(deps, s!.id, { whenDue: true })).refreshed).toBe(true);
    expect(events).toEqual(['outcome sent', 'release sent', 'outcome stored']);
  });

  it('keeps a change made to the integration while the token endpoint answers, and records the refresh', async () => {
    const [s] = await world.seed(1);
    world.provider.fault = async () => {
      await describeMeanwhile(s!.id);
      return undefined;
    };
    const { integration } = await refreshIntegration(world.deps, s!.id, { whenDue: true });
    const stored = await world.integration(s!.id);
    expect(stored).toEqual(integration);
    expect(stored.description).toBe('changed during the token call');
    expect(stored.accessTokenExpiresAt).toBe(new Date((await world.tokens(s!.id)).expiresAt ?? 0).toISOString());
  });

  it('keeps a change made to the integration while the token endpoint fails, and records the failure', async () => {
    const [s] = await world.seed(1);
    world.provider.fault = async () => {
      await describeMeanwhile(s!.id);
      return { status: 503 };
    };
    await expect(refreshIntegration(world.deps, s!.id, { whenDue: true })).rejects.toBeInstanceOf(TokenEndpointError);
    const stored = await world.integration(s!.id);
    expect(stored.description).toBe('changed during the token call');
    expect(stored.refreshFailures).toBe(1);
    expect(stored.lastError?.code).toBe('TOKEN_ENDPOINT_FAILED');
  });

  it('sends a client secret changed since the previous refresh, not the one used then', async () => {
    const [s] = await world.seed(1);
    await refreshIntegration(world.deps, s!.id, { force: true });
    const secret = await readIntegrationSecret(world.services.secrets, s!.id);
    await writeIntegrationSecret(world.services.secrets, s!.id, { ...secret!, clientSecret: 'a-secret-the-provider-does-not-know' });
    const refresh = refreshIntegration(world.deps, s!.id, { force: true });
    await expect(refresh).rejects.toMatchObject({ providerError: 'invalid_client' });
  });
});
