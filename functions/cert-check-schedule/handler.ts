import { logger } from '../../lib/observe/index.ts';
import { ConfigError, services } from '../../lib/runtime/index.ts';
import { enqueueScheduledChecks, type FanOutSummary, type RunSummary } from '../../lib/tls/index.ts';

/** False in a Lambda bundle (infra/aws/bundling.ts), which runs on AWS only; undefined running from source. */
declare const __TRUSTLINE_BUNDLE_LOCAL__: boolean | undefined;

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
  // The flag is tested first and inline: esbuild then drops this branch from the Lambda bundle, and with
  // its import every check module, which the entry's static import of lib/tls would otherwise load at start.
  if ((typeof __TRUSTLINE_BUNDLE_LOCAL__ === 'undefined' || __TRUSTLINE_BUNDLE_LOCAL__) && deps.config.backend !== 'aws') {
    const { emfEndpointMetrics, runScheduledChecks } = await import('../../lib/tls/index.ts');
    const summary = await runScheduledChecks({ ...deps, metrics: emfEndpointMetrics() });
    logger.info('Certificate check run finished', { ...summary });
    return summary;
  }
  throw new ConfigError(
    'Invalid setting TRUSTLINE_QUEUE_URL_CERT_CHECK_WORKER: the scheduled certificate run on AWS needs the cert-check-worker queue the stack sets.',
  );
}
