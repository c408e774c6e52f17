import * as client from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FailureClass } from '../../lib/oauth/refresh-policy.ts';
import { inProcessRefreshQueue } from '../../lib/oauth/refresh-queue.ts';
import { type RefreshOutcome, type RefreshRunReport, refreshQueued, runScheduledRefresh } from '../../lib/oauth/refresh-run.ts';
import { logger } from '../../lib/observe/logger.ts';
import type { Fault } from '../support/oidc-provider-rotating.ts';
import { type RefreshWorld, type Seeded, startRefreshWorld } from './support/world.ts';

const TOTAL = 1000;
/** The failing share (15 %): how many integrations meet each fault, and the class it must get. */
const PLAN: readonly { count: number; fault: Fault | 'revoked'; failureClass: FailureClass }[] = [
  { count: 40, fault: 'revoked', failureClass: 'reauthorize' },
  { count: 40, fault: { status: 500 }, failureClass: 'server-error' },
  { count: 30, fault: { status: 429, retryAfter: '600' }, failureClass: 'rate-limited' },
  { count: 20, fault: { reset: true }, failureClass: 'network' },
  { count: 20, fault: { status: 400, error: 'invalid_request' }, failureClass: 'rejected' },
];

/**
 * 1,000 due integrations in one scheduled run against the loopback oidc-provider (rotating, reuse
 * revokes), 600 refreshed by the run and 400 fanned out through the (in-process) queue.
 */
describe('one scheduled run over 1,000 due integrations with 15 % failing', () => {
  let world: RefreshWorld;
  let seeded: Seeded[];
  const expected = new Map<string, FailureClass>();
  const queued: RefreshOutcome[] = [];
  let report: RefreshRunReport;

  beforeAll(async () => {
    logger.setLogLevel('ERROR');
    world = await startRefreshWorld();
    seeded = await world.seed(TOTAL);
    const faults = new Map<string, Fault>();
    let next = 0;
    for (const { count, fault, failureClass } of PLAN) {
      for (const s of seeded.slice(next, next + count)) {
        expected.set(s.id, failureClass);
        const { refreshToken } = await world.tokens(s.id);
        // Revoked: the token was already spent elsewhere, so presenting it revokes the grant.
        if (fault === 'revoked') await client.refreshTokenGrant(world.provider.clientConfiguration(), refreshToken);
        else faults.set(refreshToken, fault);
      }
      next += count;
    }
    world.provider.fault = (request) => (request.refreshToken === undefined ? undefined : faults.get(request.refreshToken));
    const queue = inProcessRefreshQueue(async (ids) => queued.push(...(await refreshQueued(world.deps, ids))));
    report = await runScheduledRefresh(world.deps, { budgetMs: 120_000, queue, inlineLimit: 600 });
  }, 120_000);
  afterAll(async () => {
    logger.setLogLevel('INFO');
    await world.close();
  });

  it('finds all 1,000 through the due index, refreshes 600 itself and queues 400', () => {
    expect(report.due).toBe(TOTAL);
    expect(report.enqueued).toBe(400);
    expect(queued).toHaveLength(400);
    expect(report.refreshed + report.skipped + Object.values(report.failed).reduce((a, b) => a + b, 0)).toBe(600);
  });

  it('classifies every failure as the fault injected, and refreshes every other integration', () => {
    const outcomes = [...queued, ...report.outcomes];
    expect(outcomes).toHaveLength(TOTAL);
    for (const outcome of outcomes) {
      const want = expected.get(outcome.integrationId);
      expect({ id: outcome.integrationId, result: outcome.result, failureClass: outcome.failureClass }).toEqual({
        id: outcome.integrationId,
        result: want === undefined ? 'refreshed' : 'failed',
        failureClass: want,
      });
    }
  });

  it('loses no grant: only the 40 already revoked are gone, each flagged needs-reauthorization with one critical alert', async () => {
    expect(world.provider.stats.reused).toBe(40);
    expect(world.provider.stats.revokedGrants.size).toBe(40);
    const critical = new Set(world.services.published.filter((a) => a.severity === 'critical').map((a) => a.key));
    for (const s of seeded) {
      const revoked = expected.get(s.id) === 'reauthorize';
      expect({ id: s.id, usable: await world.grantUsable(s.id) }).toEqual({ id: s.id, usable: !revoked });
      const integration = await world.integration(s.id);
      expect(integration.status).toBe(revoked ? 'needs-reauthorization' : 'authorized');
      expect(critical.has(`integration:${s.id}`)).toBe(revoked);
      expect(integration.lastError !== undefined).toBe(expected.has(s.id));
    }
  });
});
