import type { Access, TableAccess } from '../../../functions/manifest.ts';
import { type AlertSink, logAlertSink } from '../../observe/alerts.ts';
import type { LeaseStore, MetadataStore, NewItem, PutCondition, SecretStore } from '../../store/ports.ts';
import type { Clock } from '../../clock.ts';
import type { OutboundPolicyOptions } from '../../trust/outbound-policy.ts';
import type { TrustContext, TrustStore } from '../../trust/ports.ts';
import { createLeaseStore } from '../../store/lease.ts';
import { createTrustStore } from '../../trust/trust-store.ts';
import { outboundPolicyOptions, type Config } from '../config.ts';
import type { Services } from '../services.ts';
import { undeclaredPort } from '../undeclared-port.ts';

/*
 * Which adapters this bundle carries: infra/aws/bundling.ts defines each flag from the function's
 * manifest access; running from source they are undefined and every adapter is available. Each flag
 * is tested inline, in the condition of the import it guards: esbuild removes an import (and with it
 * the adapter and its SDK client) only where that very condition folds to false, not through a constant.
 */
declare const __TRUSTLINE_BUNDLE_SECRETS__: boolean | undefined;
declare const __TRUSTLINE_BUNDLE_TABLE__: boolean | undefined;
declare const __TRUSTLINE_BUNDLE_ALERTS__: boolean | undefined;
declare const __TRUSTLINE_BUNDLE_QUEUE__: boolean | undefined;
declare const __TRUSTLINE_BUNDLE_OUTBOUND__: boolean | undefined;

/** Every port: what a process running from source (tests, scripts) composes when no access is given. */
const EVERY_STORE = {
  integrations: 'readwrite-delete',
  oauthStates: 'readwrite-delete',
  leases: 'readwrite-delete',
  trust: 'readwrite-delete',
  endpoints: 'readwrite-delete',
  lifecycleTokens: 'readwrite-delete',
} as const satisfies Required<TableAccess>;
const EVERY_PORT: Access = {
  secrets: { prefix: '', write: true },
  table: EVERY_STORE,
  alerts: true,
  queueTo: 'any',
  outbound: true,
};

/**
 * The services on AWS, built from a function's manifest access: Secrets Manager and DynamoDB stores,
 * alerts to the SNS topic (to the log when no topic is configured), the fan-out queue, the trust
 * context for outbound calls. A port the access does not declare is neither built nor usable.
 */
export async function createAwsServices(config: Config, clock: Clock, access: Access = EVERY_PORT): Promise<Services> {
  const { region, tableName, dynamoEndpoint, secretsEndpoint, secretsKmsKeyId, alertTopicArn, refreshQueueUrl, certCheckQueueUrl } = config.aws;
  const secrets =
    (typeof __TRUSTLINE_BUNDLE_SECRETS__ === 'undefined' || __TRUSTLINE_BUNDLE_SECRETS__) && access.secrets !== undefined
      ? (await import('./secret-store.ts')).createAwsSecretStore({ region, secretsEndpoint, secretsKmsKeyId })
      : undeclaredPort<SecretStore>('Secrets Manager', '`secrets`');
  // The build-time flag stays inline in each condition: esbuild drops the branch only when it sees it there.
  const metadata =
    (typeof __TRUSTLINE_BUNDLE_TABLE__ === 'undefined' || __TRUSTLINE_BUNDLE_TABLE__) && access.table !== undefined
      ? lazyMetadata(async () => (await import('./table-stores.ts')).createAwsTableStores({ region, tableName, dynamoEndpoint, clock }).metadata)
      : undeclaredPort<MetadataStore>('the table', '`table`');
  const leases =
    access.table?.leases !== undefined && access.table.leases !== 'read'
      ? createLeaseStore(metadata, clock)
      : undeclaredPort<LeaseStore>('the table (leases)', "`table: { leases: 'readwrite' }`");
  const alerts =
    (typeof __TRUSTLINE_BUNDLE_ALERTS__ === 'undefined' || __TRUSTLINE_BUNDLE_ALERTS__) && access.alerts === true && alertTopicArn !== undefined
      ? (await import('./alerts.ts')).createLazySnsAlertSink(region, alertTopicArn)
      : access.alerts === true
        ? logAlertSink
        : undeclaredPort<AlertSink>('the alert topic', '`alerts: true`');
  const refreshQueue =
    (typeof __TRUSTLINE_BUNDLE_QUEUE__ === 'undefined' || __TRUSTLINE_BUNDLE_QUEUE__) && access.queueTo !== undefined && refreshQueueUrl !== undefined
      ? (await import('./queue.ts')).createLazySqsRefreshQueue(region, refreshQueueUrl)
      : undefined;
  const certCheckQueue =
    (typeof __TRUSTLINE_BUNDLE_QUEUE__ === 'undefined' || __TRUSTLINE_BUNDLE_QUEUE__) && access.queueTo !== undefined && certCheckQueueUrl !== undefined
      ? (await import('./queue.ts')).createLazySqsCheckQueue(region, certCheckQueueUrl)
      : undefined;
  const trustStore = createTrustStore(metadata, clock);
  const trust =
    (typeof __TRUSTLINE_BUNDLE_OUTBOUND__ === 'undefined' || __TRUSTLINE_BUNDLE_OUTBOUND__) && access.outbound === true
      ? lazyTrustContext(trustStore, outboundPolicyOptions(config), await import('../../trust/outbound-policy.ts'), () => import('../../trust/tls-context.ts'))
      : undeclaredPort<TrustContext>('outbound connections', '`outbound: true`');
  return { config, secrets, metadata, leases, alerts, trustStore, trust, clock, refreshQueue, certCheckQueue };
}

/**
 * The metadata store, its DynamoDB client built on the first call: a function that declares the
 * table for a path most requests never take (jwt-validate reads the truststore only for an OIDC
 * issuer's keys) does not load the client for the others.
 */
function lazyMetadata(load: () => Promise<MetadataStore>): MetadataStore {
  let store: Promise<MetadataStore> | undefined;
  const ready = () => (store ??= load());
  return {
    async get<T>(kind: string, id: string) {
      return (await ready()).get<T>(kind, id);
    },
    async put<T>(item: NewItem<T>, condition?: PutCondition) {
      return (await ready()).put<T>(item, condition);
    },
    async delete(kind, id, condition) {
      return (await ready()).delete(kind, id, condition);
    },
    async take<T>(kind: string, id: string) {
      return (await ready()).take<T>(kind, id);
    },
    async list<T>(kind: string, options?: { limit?: number; cursor?: string }) {
      return (await ready()).list<T>(kind, options);
    },
    async queryDue<T>(kind: string, dueBy: number, options?: { limit?: number; cursor?: string }) {
      return (await ready()).queryDue<T>(kind, dueBy, options);
    },
  };
}

/**
 * The trust context, its TLS half (lib/trust/tls-context.ts, Node's root certificates, the fetch
 * machinery) loaded on the first outbound call: a function that declares outbound calls for a
 * path most requests never take (jwt-validate fetches an OIDC issuer's keys, never for a Connect
 * token) does not load it for the others. The outbound policy is built at once, as its checks are
 * synchronous; the context's own policy is built from the same options.
 */
function lazyTrustContext(
  trustStore: TrustStore,
  outbound: OutboundPolicyOptions,
  { createOutboundPolicy }: typeof import('../../trust/outbound-policy.ts'),
  // Imported by the caller, inside the build-time flag's condition, so that esbuild drops the TLS half with it.
  loadTls: () => Promise<typeof import('../../trust/tls-context.ts')>,
): TrustContext {
  let context: Promise<TrustContext> | undefined;
  const ready = () => (context ??= loadTls().then((module) => module.createTrustContext(trustStore, { outbound })));
  return {
    ca: async () => (await ready()).ca(),
    fetch: async (input, init) => (await ready()).fetch(input, init),
    certificateFetch: async (input, init) => (await ready()).certificateFetch(input, init),
    outbound: createOutboundPolicy(outbound),
  };
}
