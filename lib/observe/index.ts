export { logger } from './logger.ts';
export { metrics, MetricUnit, METRICS_NAMESPACE } from './metrics.ts';
export { pinSecret, registerSecret, redact, redactString, isSecretField, REDACTED } from './redact.ts';
