import type { Access } from '../../functions/manifest.ts';
import type { AlertSink } from '../observe/index.ts';
import type { RefreshQueue } from '../oauth/index.ts';
import type { CheckQueue } from '../tls/index.ts';
import type { LeaseStore, MetadataStore, SecretStore } from '../store/index.ts';
import type { Clock } from '../clock.ts';
import { systemClock } from '../clock.ts';
import type { TrustContext, TrustStore } from '../trust/index.ts';
import { ConfigError } from './config-error.ts';
import { type Config, loadConfig } from './config.ts';

/** The ports a handler works with, chosen once per process by `TRUSTLINE_BACKEND`. */
export interface Services {
  readonly config: Config;
  readonly secrets: SecretStore;
  readonly metadata: MetadataStore;
  readonly leases: LeaseStore;
  readonly alerts: AlertSink;
  readonly trustStore: TrustStore;
  /** The one TLS trust for every outbound connection. */
  readonly trust: TrustContext;
  readonly clock: Clock;
  /** The fan-out queue to the token-refresh-worker (SQS on AWS); undefined where the work stays in this process. */
  readonly refreshQueue?: RefreshQueue | undefined;
  /** The fan-out queue to the cert-check-worker (SQS on AWS, the local runtime's queue locally); undefined: checks run inline. */
  readonly certCheckQueue?: CheckQueue | undefined;
}

/*
 * Set at bundle time (infra/aws/bundling.ts): the manifest access of the one function a Lambda
 * bundle holds, and whether the bundle carries the local backend (it does not: a Lambda runs on AWS).
 * Undefined when running from source, where one process may host every function.
 */
declare const __TRUSTLINE_BUNDLE_ACCESS__: Access | undefined;
declare const __TRUSTLINE_BUNDLE_LOCAL__: boolean | undefined;
const BUNDLED_ACCESS = typeof __TRUSTLINE_BUNDLE_ACCESS__ === 'undefined' ? undefined : __TRUSTLINE_BUNDLE_ACCESS__;

let current: Promise<Services> | undefined;

/** The composition root: built lazily on first use (after Lambda's init freeze), then reused. */
export function services(): Promise<Services> {
  current ??= composeServices(loadConfig(), BUNDLED_ACCESS);
  return current;
}

/** Replaces the process's services (tests, the local runtime's own wiring). */
export function setServices(value: Services | undefined): void {
  current = value === undefined ? undefined : Promise.resolve(value);
}

/**
 * Builds the services for a given configuration (the local runtime composes its own from its effective config).
 * On AWS only the ports `access` declares are built; without it, every port.
 */
export async function composeServices(config: Config, access?: Access): Promise<Services> {
  if (config.backend === 'aws') {
    const { createAwsServices } = await import('./aws/services.ts');
    return createAwsServices(config, systemClock, access);
  }
  // Tested here, next to the import it guards, so that esbuild can drop the local backend from a Lambda bundle.
  if (typeof __TRUSTLINE_BUNDLE_LOCAL__ === 'undefined' || __TRUSTLINE_BUNDLE_LOCAL__) {
    const { createLocalServices } = await import('./local-services.ts');
    return createLocalServices(config, systemClock);
  }
  throw new ConfigError('Invalid setting TRUSTLINE_BACKEND: this bundle is built for AWS Lambda and carries only the aws backend.');
}
