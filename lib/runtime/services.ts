import type { AlertSink } from '../observe/alerts.ts';
import type { Clock, LeaseStore, MetadataStore, SecretStore } from '../store/ports.ts';
import { systemClock } from '../store/ports.ts';
import type { TrustContext, TrustStore } from '../trust/ports.ts';
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
}

let current: Promise<Services> | undefined;

/** The composition root: built lazily on first use (after Lambda's init freeze), then reused. */
export function services(): Promise<Services> {
  current ??= composeServices(loadConfig());
  return current;
}

/** Replaces the process's services (tests, the local runtime's own wiring). */
export function setServices(value: Services | undefined): void {
  current = value === undefined ? undefined : Promise.resolve(value);
}

/** Builds the services for a given configuration (the local runtime composes its own from its effective config). */
export async function composeServices(config: Config): Promise<Services> {
  if (config.backend === 'aws') {
    const { createAwsServices } = await import('./aws-services.ts');
    return createAwsServices(config, systemClock);
  }
  const { createLocalServices } = await import('./local-services.ts');
  return createLocalServices(config, systemClock);
}
