import { logger } from '../../lib/observe/index.ts';
import { services } from '../../lib/runtime/services.ts';
import { emfEndpointMetrics, runScheduledChecks, type RunSummary } from '../../lib/tls/index.ts';

/** Scheduled: checks every configured endpoint (32 at a time), stores results, emits EMF metrics, alerts on change. */
export async function handler(): Promise<RunSummary> {
  const deps = await services();
  const summary = await runScheduledChecks({ ...deps, metrics: emfEndpointMetrics() });
  logger.info('Certificate check run finished', { ...summary });
  return summary;
}
