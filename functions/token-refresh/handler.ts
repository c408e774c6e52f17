import type { Context } from 'aws-lambda';
import { publishRunMetrics, refreshQueueFor, type RefreshRunReport, refreshQueued, runScheduledRefresh } from '../../lib/oauth/index.ts';
import { services } from '../../lib/runtime/index.ts';

/**
 * Kept free at the end of the invocation: refreshes already started may take a 15 s token-endpoint
 * call plus store retries (about 20 s), and what is left must still reach the queue.
 */
const RESERVE_MS = 45_000;

/** Every 5 minutes (EventBridge Scheduler on AWS, croner locally): refresh the due OAuth grants. */
export async function handler(_event: unknown, context: Context): Promise<Omit<RefreshRunReport, 'outcomes'>> {
  const deps = await services();
  const queue = refreshQueueFor(deps, (ids) => refreshQueued(deps, ids));
  const report = await runScheduledRefresh(deps, { budgetMs: Math.max(0, context.getRemainingTimeInMillis() - RESERVE_MS), queue });
  publishRunMetrics(report);
  const { outcomes: _outcomes, ...summary } = report;
  return summary;
}
