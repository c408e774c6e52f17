import type { Metrics } from '@aws-lambda-powertools/metrics';
import { MetricUnit, metrics as defaultMetrics } from '../observe/index.ts';
import type { FailureClass } from './refresh-policy.ts';
import type { RefreshOutcome, RefreshRunReport } from './refresh-run.ts';

/** Metric names (namespace Trustline); failures carry the dimension `failureClass`. */
export const REFRESH_METRICS = {
  refreshed: 'TokenRefreshed',
  failed: 'TokenRefreshFailed',
  skipped: 'TokenRefreshSkipped',
  dueBacklog: 'TokenRefreshDueBacklog',
  enqueued: 'TokenRefreshEnqueued',
  deferred: 'TokenRefreshDeferred',
  runDuration: 'TokenRefreshRunDuration',
  duration: 'TokenRefreshDuration',
} as const;

/** Powertools keeps at most 100 values per metric in one EMF document. */
const MAX_DURATION_VALUES = 100;

/** EMF for one scheduled run: counts, failures by class, the due backlog and durations. */
export function publishRunMetrics(report: RefreshRunReport, metrics: Metrics = defaultMetrics): void {
  publishFailures(report.failed, metrics);
  metrics.addMetric(REFRESH_METRICS.refreshed, MetricUnit.Count, report.refreshed);
  metrics.addMetric(REFRESH_METRICS.skipped, MetricUnit.Count, report.skipped);
  metrics.addMetric(REFRESH_METRICS.dueBacklog, MetricUnit.Count, report.due);
  metrics.addMetric(REFRESH_METRICS.enqueued, MetricUnit.Count, report.enqueued);
  metrics.addMetric(REFRESH_METRICS.deferred, MetricUnit.Count, report.deferred);
  metrics.addMetric(REFRESH_METRICS.runDuration, MetricUnit.Milliseconds, Math.round(report.durationMs));
  addDurations(
    report.outcomes.map((o) => o.durationMs),
    metrics,
  );
  metrics.publishStoredMetrics();
}

/** EMF for one worker batch. */
export function publishBatchMetrics(outcomes: readonly RefreshOutcome[], metrics: Metrics = defaultMetrics): void {
  const failed: Partial<Record<FailureClass, number>> = {};
  for (const outcome of outcomes) if (outcome.failureClass !== undefined) failed[outcome.failureClass] = (failed[outcome.failureClass] ?? 0) + 1;
  publishFailures(failed, metrics);
  metrics.addMetric(REFRESH_METRICS.refreshed, MetricUnit.Count, outcomes.filter((o) => o.result === 'refreshed').length);
  metrics.addMetric(REFRESH_METRICS.skipped, MetricUnit.Count, outcomes.filter((o) => o.result === 'skipped').length);
  addDurations(
    outcomes.map((o) => o.durationMs),
    metrics,
  );
  metrics.publishStoredMetrics();
}

/** One document per failure class, so each count carries its `failureClass` dimension. */
function publishFailures(failed: Readonly<Partial<Record<FailureClass, number>>>, metrics: Metrics): void {
  for (const [failureClass, count] of Object.entries(failed)) {
    const single = metrics.singleMetric();
    single.addDimension('failureClass', failureClass);
    single.addMetric(REFRESH_METRICS.failed, MetricUnit.Count, count);
  }
}

/** A sample of at most 100 durations (evenly spread), so one run stays one EMF document. */
function addDurations(durations: readonly number[], metrics: Metrics): void {
  const step = Math.max(1, Math.ceil(durations.length / MAX_DURATION_VALUES));
  for (let i = 0; i < durations.length; i += step) metrics.addMetric(REFRESH_METRICS.duration, MetricUnit.Milliseconds, Math.round(durations[i] ?? 0));
}
