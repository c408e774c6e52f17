import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { refreshIntegration } from '../../lib/oauth/refresh.ts';
import { INTEGRATION_KIND } from '../../lib/oauth/integration-store.ts';
import { integrationSecretName } from '../../lib/oauth/token-store.ts';
import { openDatabase } from '../../lib/store/local/database.ts';
import { type RefreshWorld, startRefreshWorld } from './support/world.ts';

/**
 * On the local stores the rotated tokens and the refresh's outcome go into store.mdb in one
 * commit, so the outcome is never visible without the tokens it reports.
 */
describe('a refresh on the local stores', () => {
  let world: RefreshWorld;
  beforeEach(async () => {
    world = await startRefreshWorld({ stores: 'local' });
  });
  afterEach(() => world.close());

  it('commits the rotated tokens and the outcome in one transaction of store.mdb, never one without the other', async () => {
    const [s] = await world.seed(1);
    const before = await world.tokens(s!.id);
    // After each commit of store.mdb (lease take and release included): whether the stored tokens
    // and the integration item are still the ones from before the refresh.
    const db = await openDatabase(world.services.dataDir);
    const stored = () => ({ secret: db.secrets.get(integrationSecretName(s!.id)), item: db.items.get([INTEGRATION_KIND, s!.id]) });
    const original = stored();
    const commits: { tokensNew: boolean; outcomeNew: boolean }[] = [];
    db.secrets.on('aftercommit', () => {
      const now = stored();
      commits.push({ tokensNew: !now.secret!.equals(original.secret!), outcomeNew: !now.item!.equals(original.item!) });
    });

    const { refreshed, integration, tokens } = await refreshIntegration(world.deps, s!.id, { whenDue: true });

    expect(refreshed).toBe(true);
    // The first commit with the new tokens holds the outcome too, and no commit shows one without the other.
    expect(commits.some((commit) => commit.tokensNew)).toBe(true);
    expect(commits.filter((commit) => commit.tokensNew !== commit.outcomeNew)).toEqual([]);
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
