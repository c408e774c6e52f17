/**
 * The composition root: the configuration, parsed once, and the services a handler works with.
 * The adapters behind the services are not exported: `composeServices` loads the one backend a
 * process runs on with `await import()`, so a Lambda bundle never carries the local backend and
 * holds only the AWS adapters its function declares.
 */
export { composeServices, services, setServices, type Services } from './services.ts';
export { loadConfig, standaloneOutboundPolicyOptions, type Config } from './config.ts';
export { ConfigError } from './config-error.ts';
export { version } from './version.ts';
