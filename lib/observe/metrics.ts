import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { EmfOutput } from '@aws-lambda-powertools/metrics/types';
import { logger } from './logger.ts';
import { REDACTED, isSecretField, redact, redactString } from './redact.ts';

export { MetricUnit };

export const METRICS_NAMESPACE = 'Trustline';

/**
 * Powertools Metrics whose EMF documents pass the redaction layer before they are printed:
 * dimension values and metadata never carry a secret, whichever method added them.
 *
 * @example metrics.addDimension('provider', 'google'); metrics.addMetric('TokenRefreshed', MetricUnit.Count, 1); metrics.publishStoredMetrics();
 */
export class RedactingMetrics extends Metrics {
  override serializeMetrics(): EmfOutput {
    return redactEmf(super.serializeMetrics());
  }

  override singleMetric(): Metrics {
    // Powertools builds a plain Metrics here (the cold-start metric goes this way): guard it too.
    const single = super.singleMetric();
    const serialize = single.serializeMetrics.bind(single);
    single.serializeMetrics = () => redactEmf(serialize());
    return single;
  }
}

/** The one metrics instance: namespace Trustline, EMF on stdout (CloudWatch reads it on AWS). */
export const metrics = new RedactingMetrics({
  namespace: METRICS_NAMESPACE,
  serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'trustline',
  logger,
});

/** The EMF document with dimension values and metadata redacted; metric values and the `_aws` directive kept. */
export function redactEmf(emf: EmfOutput): EmfOutput {
  const directives = emf._aws.CloudWatchMetrics;
  const metricNames = new Set(directives.flatMap((d) => d.Metrics.map((m) => m.Name)));
  const dimensionNames = new Set(directives.flatMap((d) => d.Dimensions.flat()));
  const out: Record<string, string | number | object> = { _aws: emf._aws };
  for (const [key, value] of Object.entries(emf)) {
    if (key === '_aws') continue;
    if (metricNames.has(key)) out[key] = value;
    else if (dimensionNames.has(key)) out[key] = isSecretField(key) || typeof value !== 'string' ? REDACTED : redactString(value);
    else out[key] = redact({ [key]: value })[key] ?? REDACTED;
  }
  return out as EmfOutput;
}
