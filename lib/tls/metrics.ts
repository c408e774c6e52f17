import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { addressOf } from './probe.ts';
import type { Endpoint } from './endpoints.ts';
import type { CheckReport } from './report.ts';

/** Where per-endpoint figures go; EMF through Powertools in production, a list in tests. */
export interface EndpointMetrics {
  record(endpoint: Endpoint, report: CheckReport): void;
}

/**
 * CloudWatch EMF, one document per endpoint (dimension `Endpoint`): DaysToEarliestExpiry whenever
 * a certificate was seen — also when trust fails, which blackbox_exporter does not do — Trusted
 * 0/1 and Reachable 0/1 on every check.
 */
export function emfEndpointMetrics(namespace = process.env.POWERTOOLS_METRICS_NAMESPACE ?? 'Trustline'): EndpointMetrics {
  return {
    record(endpoint, report) {
      const metrics = new Metrics({ namespace, serviceName: 'cert-check' });
      metrics.addDimension('Endpoint', `${report.protocol}://${addressOf(endpoint)}`);
      if (report.daysLeft !== null) metrics.addMetric('DaysToEarliestExpiry', MetricUnit.Count, report.daysLeft);
      metrics.addMetric('Trusted', MetricUnit.Count, report.trusted ? 1 : 0);
      metrics.addMetric('Reachable', MetricUnit.Count, report.error === undefined ? 1 : 0);
      metrics.publishStoredMetrics();
    },
  };
}
