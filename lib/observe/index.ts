export { logger } from './logger.ts';
export { registerSecret, redact, redactString, isSecretField, REDACTED } from './redact.ts';
