import { logger } from '../observe/index.ts';
import type { OAuthServices } from './deps.ts';
import { IntegrationNotFoundError, NotAuthorizedError } from './errors.ts';
import type { Integration } from './integration.ts';
import { INTEGRATION_KIND } from './integration-store.ts';
import { refreshIntegration } from './refresh.ts';
import { type FailureClass, type RefreshPolicy, classifyFailure, refreshPolicy } from './refresh-policy.ts';
import type { RefreshQueue } from './refresh-queue.ts';

/** Due integrations read per queryDue page. */
const DUE_PAGE_SIZE = 1000;
/** The run reads at most this many due integrations; the rest wait for the next run. */
const MAX_DUE = 50_000;
/** Refreshed by the scheduled invocation itself; beyond this they go to the queue at once. */
export const DEFAULT_INLINE_LIMIT = 1000;
/** What happened to one integration. */
export interface RefreshOutcome {
  readonly integrationId: string;
  /** `skipped`: not due any more after re-reading under the lease (someone refreshed it), deleted, or not authorized. */
  readonly result: 'refreshed' | 'skipped' | 'failed';
  readonly failureClass?: FailureClass;
  readonly durationMs: number;
}

export interface RefreshRunOptions {
  /** How long the run may keep starting refreshes (ms); a started refresh is allowed to finish. */
  readonly budgetMs: number;
  /** Where the integrations the run cannot refresh itself go; without one they wait for the next run. */
  readonly queue?: RefreshQueue;
  /** Refreshes at once. Default: `config.refresh.concurrency` (16). */
  readonly concurrency?: number;
  /** Most integrations refreshed inline; the rest are queued at once. Default 1000. */
  readonly inlineLimit?: number;
  readonly policy?: RefreshPolicy;
}

export interface RefreshRunReport {
  /** Integrations due at the start of the run (the due backlog). */
  readonly due: number;
  readonly refreshed: number;
  readonly skipped: number;
  readonly failed: Readonly<Partial<Record<FailureClass, number>>>;
  /** Sent to the queue for the worker. */
  readonly enqueued: number;
  /** Neither refreshed nor queued: they stay due and the next run picks them up. */
  readonly deferred: number;
  readonly durationMs: number;
  /** Each refresh this invocation did itself (the queued ones are the worker's). */
  readonly outcomes: readonly RefreshOutcome[];
}

/**
 * One scheduled run: reads the due integrations through the store's due index (never by listing
 * secrets), refreshes up to `inlineLimit` of them with bounded concurrency while the time budget
 * lasts, and sends the rest to the queue. One integration's failure never stops the others.
 */
export async function runScheduledRefresh(deps: OAuthServices, options: RefreshRunOptions): Promise<RefreshRunReport> {
  const started = performance.now();
  const deadline = started + options.budgetMs;
  const due = await dueIntegrationIds(deps);
  const inlineLimit = options.queue === undefined ? due.length : (options.inlineLimit ?? DEFAULT_INLINE_LIMIT);
  const inline = due.slice(0, inlineLimit);
  let enqueued = 0;
  let deferred = 0;
  const enqueue = async (ids: readonly string[]): Promise<void> => {
    if (ids.length === 0) return;
    if (options.queue === undefined) {
      deferred += ids.length;
      return;
    }
    const { failed } = await options.queue.send(ids);
    enqueued += ids.length - failed.length;
    deferred += failed.length;
    if (failed.length > 0) logger.warn('Some due integrations could not be queued; the next run picks them up', { count: failed.length });
  };

  await enqueue(due.slice(inlineLimit));
  const { outcomes, notStarted } = await refreshBounded(deps, inline, {
    concurrency: options.concurrency ?? deps.config.refresh.concurrency,
    deadline,
    policy: options.policy ?? refreshPolicy(deps.config),
  });
  await enqueue(notStarted);
  const report = { ...summarize(outcomes), due: due.length, enqueued, deferred, durationMs: performance.now() - started };
  logger.info('Scheduled token refresh finished', { ...report, outcomes: undefined });
  return report;
}

/** The worker's job: refresh the queued integrations, all at once up to `concurrency`. */
export async function refreshQueued(deps: OAuthServices, integrationIds: readonly string[], policy?: RefreshPolicy): Promise<RefreshOutcome[]> {
  const { outcomes } = await refreshBounded(deps, integrationIds, {
    concurrency: deps.config.refresh.concurrency,
    deadline: Infinity,
    policy: policy ?? refreshPolicy(deps.config),
  });
  return outcomes;
}

/** Refreshes one integration if it is still due once its lease is held; never throws. */
export async function refreshOne(deps: OAuthServices, integrationId: string, policy: RefreshPolicy): Promise<RefreshOutcome> {
  const started = performance.now();
  const outcome = (result: RefreshOutcome['result'], failureClass?: FailureClass): RefreshOutcome => ({
    integrationId,
    result,
    ...(failureClass === undefined ? {} : { failureClass }),
    durationMs: performance.now() - started,
  });
  try {
    const { refreshed } = await refreshIntegration(deps, integrationId, { whenDue: true, policy });
    return outcome(refreshed ? 'refreshed' : 'skipped');
  } catch (error) {
    if (error instanceof IntegrationNotFoundError || error instanceof NotAuthorizedError) return outcome('skipped');
    const failureClass = classifyFailure(error);
    if (failureClass === 'unexpected') logger.error('Unexpected failure while refreshing', { integrationId, error: error as Error });
    return outcome('failed', failureClass);
  }
}

/** Every integration due now, earliest first, deduplicated across pages. */
async function dueIntegrationIds(deps: OAuthServices): Promise<string[]> {
  const now = deps.clock.now();
  const ids = new Set<string>();
  let cursor: string | undefined;
  do {
    const page = await deps.metadata.queryDue<Integration>(INTEGRATION_KIND, now, { limit: DUE_PAGE_SIZE, ...(cursor === undefined ? {} : { cursor }) });
    for (const item of page.items) ids.add(item.id);
    cursor = page.cursor;
  } while (cursor !== undefined && ids.size < MAX_DUE);
  return [...ids];
}

interface BoundedOptions {
  readonly concurrency: number;
  /** performance.now() after which no new refresh starts. */
  readonly deadline: number;
  readonly policy: RefreshPolicy;
}

/** Refreshes `ids`, `concurrency` at a time, starting none after the deadline. */
async function refreshBounded(
  deps: OAuthServices,
  ids: readonly string[],
  options: BoundedOptions,
): Promise<{ outcomes: RefreshOutcome[]; notStarted: string[] }> {
  const outcomes: RefreshOutcome[] = [];
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < ids.length && performance.now() < options.deadline) {
      const id = ids[next++] as string;
      outcomes.push(await refreshOne(deps, id, options.policy));
    }
  };
  const lanes = Math.max(1, Math.min(options.concurrency, ids.length));
  await Promise.all(Array.from({ length: lanes }, lane));
  return { outcomes, notStarted: ids.slice(next) };
}

function summarize(outcomes: readonly RefreshOutcome[]): Pick<RefreshRunReport, 'refreshed' | 'skipped' | 'failed' | 'outcomes'> {
  const failed: Partial<Record<FailureClass, number>> = {};
  let refreshed = 0;
  let skipped = 0;
  for (const outcome of outcomes) {
    if (outcome.result === 'refreshed') refreshed++;
    else if (outcome.result === 'skipped') skipped++;
    else if (outcome.failureClass !== undefined) failed[outcome.failureClass] = (failed[outcome.failureClass] ?? 0) + 1;
  }
  return { refreshed, skipped, failed, outcomes };
}
