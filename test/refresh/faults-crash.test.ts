import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { REFRESH_LEASE_TTL_MS } from '../../lib/oauth/refresh-lease.ts';
import { runScheduledRefresh } from '../../lib/oauth/refresh-run.ts';
import { FaultAccount } from './support/account.ts';
import { startChild } from './support/child.ts';
import { type RefreshWorld, startRefreshWorld } from './support/world.ts';

const account = new FaultAccount();
afterAll(() => {
  account.print('Fault-injection account: refreshing process killed (SIGKILL) mid-refresh');
});

/**
 * A separate process refreshes one integration and is SIGKILLed at a chosen point; then this
 * process runs the schedule as the next Lambda invocation would. Against a provider that revokes
 * the grant on reuse, only a kill between the provider's answer and the token write loses it.
 */
describe('a refreshing process killed mid-refresh', () => {
  let world: RefreshWorld;
  beforeEach(async () => {
    world = await startRefreshWorld();
  });
  afterEach(() => world.close());

  it.each([
    { point: 'before-request', survives: true, status: 'authorized', failed: {} },
    { point: 'after-answer', survives: false, status: 'needs-reauthorization', failed: { reauthorize: 1 } },
    { point: 'after-write', survives: true, status: 'authorized', failed: {} },
  ])(
    'killed at $point: grant survives = $survives',
    async ({ point, survives, status, failed }) => {
      const [s] = await world.seed(1);
      const child = startChild(['kill-at', world.services.dataDir, s!.id, point]);
      await child.line(`at ${point}`);
      child.process.kill('SIGKILL');
      expect((await child.exited).signal).toBe('SIGKILL');

      // The dead process's lease runs out; the next scheduled run takes over.
      world.services.clock.advance(REFRESH_LEASE_TTL_MS + 1000);
      const report = await runScheduledRefresh(world.deps, { budgetMs: 60_000 });

      expect(report.failed).toEqual(failed);
      expect((await world.integration(s!.id)).status).toBe(status);
      expect(await world.grantUsable(s!.id)).toBe(survives);
      expect(world.provider.stats.revokedGrants.has(s!.grantId)).toBe(!survives);
      // Lost or not, nobody is left in the dark: a lost grant raised a critical alert.
      expect(world.services.published.map((a) => a.severity)).toEqual(survives ? [] : ['critical']);
      account.add({ scenario: `killed ${point}`, failureClass: Object.keys(failed)[0] ?? 'none', statusAfter: status, grantSurvives: survives });
    },
    60_000,
  );
});
