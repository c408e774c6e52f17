import { Logger } from '@aws-lambda-powertools/logger';
import { redactingReplacer } from './redact.ts';

/**
 * The one logger: Powertools JSON lines, every key and value passed through the redaction layer.
 * Use `logger.createChild({ persistentKeys })` for per-capability context.
 */
export const logger = new Logger({
  serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'trustline',
  jsonReplacerFn: redactingReplacer,
});
