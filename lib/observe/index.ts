export { logger } from './logger.ts';
export { metrics, MetricUnit, METRICS_NAMESPACE } from './metrics.ts';
export { pinSecret, registerSecret, redact, redactString, isSecretField, REDACTED } from './redact.ts';
export { logAlertSink, type Alert, type AlertSink } from './alerts.ts';
export { withoutControlCharacters } from './control-characters.ts';
export { replaceSecrets } from './secret-registry.ts';
