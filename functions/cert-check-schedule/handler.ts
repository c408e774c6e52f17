import { logger } from '../../lib/observe/index.ts';
import { ConfigError, services } from '../../lib/runtime/index.ts';
// Not through lib/tls/index.ts: on AWS this function only queues, and a static import of the index
// would load every check module at start (the inline fallback below loads them on use).
import { enqueueScheduledChecks, type FanOutSummary, type RunSummary } from '../../lib/tls/index.ts';

/**
 * Hourly: sends every configured endpoint, in batches, to the cert-check-worker's queue (SQS on
 * AWS, the local runtime's queue locally). Without a queue (a script or test composing its own
 * services) it checks them itself, 32 at a time.
 */
export async function handler(): Promise<FanOutSummary | RunSummary> {
  const deps = await services();
  if (deps.certCheckQueue !== undefined) {
    const summary = await enqueueScheduledChecks(deps, deps.certCheckQueue);
    logger.info('Certificate checks queued', { ...summary });
    return summary;
  }
  if (deps.config.backend === 'aws') {
    throw new ConfigError(
      'Invalid setting TRUSTLINE_QUEUE_URL_CERT_CHECK_WORKER: the scheduled certificate run on AWS needs the cert-check-worker queue the stack sets.',
    );
  }
  const { emfEndpointMetrics, runScheduledChecks } = await import('../../lib/tls/index.ts');
  const summary = await runScheduledChecks({ ...deps, metrics: emfEndpointMetrics() });
  logger.info('Certificate check run finished', { ...summary });
  return summary;
}
