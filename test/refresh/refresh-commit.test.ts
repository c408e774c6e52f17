import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { refreshIntegration } from '../../lib/oauth/refresh.ts';
import { openDatabase } from '../../lib/store/local/database.ts';
import { type RefreshWorld, startRefreshWorld } from './support/world.ts';

/**
 * On the local stores a refresh waits for one flushed commit of store.mdb: the rotated tokens and
 * the outcome go in together, so the outcome is never visible without the tokens it reports.
 */
describe('a refresh on the local stores', () => {
  let world: RefreshWorld;
  beforeEach(async () => {
    world = await startRefreshWorld({ stores: 'local' });
  });
  afterEach(() => world.close());

  it('commits the rotated tokens and the outcome in one transaction of store.mdb', async () => {
    const [s] = await world.seed(1);
    const before = await world.tokens(s!.id);
    const transactions: number[] = [];
    (await openDatabase(world.services.dataDir)).secrets.on('aftercommit', ({ txnId }: { txnId: number }) => transactions.push(txnId));

    const { refreshed, integration, tokens } = await refreshIntegration(world.deps, s!.id, { whenDue: true });

    expect(refreshed).toBe(true);
    expect(transactions).toHaveLength(1);
    expect(tokens.refreshToken).not.toBe(before.refreshToken);
    expect(await world.tokens(s!.id)).toEqual(tokens);
    expect(await world.integration(s!.id)).toEqual(integration);
    expect(integration.lastRefreshAt).toBe(new Date(tokens.obtainedAt).toISOString());
    expect(await world.grantUsable(s!.id)).toBe(true);
  });

  it('writes the outcome on its own when the integration changed during the token call, keeping that change', async () => {
    const [s] = await world.seed(1);
    world.provider.fault = async () => {
      const current = await world.integration(s!.id);
      await world.services.metadata.put({ kind: 'integration', id: s!.id, data: { ...current, description: 'changed meanwhile' } });
      return undefined;
    };
    const { integration, tokens } = await refreshIntegration(world.deps, s!.id, { whenDue: true });
    const stored = await world.integration(s!.id);
    expect(stored).toEqual(integration);
    expect(stored.description).toBe('changed meanwhile');
    expect(stored.lastRefreshAt).toBe(new Date(tokens.obtainedAt).toISOString());
    expect(await world.tokens(s!.id)).toEqual(tokens);
  });
});
