import { type AlertSink, logger } from '../observe/index.ts';
import type { MetadataStore } from '../store/index.ts';
import type { Clock } from '../clock.ts';
import type { TrustContext } from '../trust/index.ts';
import { checkEndpoint, DEFAULT_TIMEOUT_MS } from './check.ts';
import { mapBounded } from './concurrency.ts';
import { alertFor, stateOf } from './endpoint-state.ts';
import { createEndpointStore, type Endpoint, type EndpointResult, type EndpointStore } from './endpoints.ts';
import type { EndpointMetrics } from './metrics.ts';
import type { CheckReport } from './report.ts';

export const DEFAULT_CONCURRENCY = 32;

export interface CheckDeps {
  readonly metadata: MetadataStore;
  readonly trust: TrustContext;
  readonly alerts: AlertSink;
  readonly clock: Clock;
  readonly metrics: EndpointMetrics;
  /** Deadline per endpoint (connect + protocol + handshake). */
  readonly timeoutMs?: number;
}

/**
 * Checks one endpoint, stores the result, records its metrics and publishes one alert when its
 * state changed. A failed publish is retried on the next check (the announced state is kept).
 * `known.previous` is the stored result when the caller has just read it (saves a read).
 */
export async function checkAndRecord(
  deps: CheckDeps,
  store: EndpointStore,
  endpoint: Endpoint,
  known?: { readonly previous: EndpointResult | undefined },
): Promise<CheckReport> {
  const report = await checkEndpoint(
    {
      host: endpoint.host,
      port: endpoint.port,
      protocol: endpoint.protocol,
      ...(endpoint.servername === undefined ? {} : { servername: endpoint.servername }),
    },
    {
      trust: deps.trust,
      timeoutMs: deps.timeoutMs ?? DEFAULT_TIMEOUT_MS,
      ...(endpoint.warnDays === undefined ? {} : { warnDays: endpoint.warnDays }),
      now: () => deps.clock.now(),
    },
  );
  deps.metrics.record(endpoint, report);
  const previous = known === undefined ? await store.result(endpoint.id) : known.previous;
  const announced = previous?.notifiedState ?? undefined;
  const state = stateOf(report);
  const alert = alertFor(endpoint, announced, report);
  // A healthy first check needs no announcement; it counts as announced.
  let notifiedState = announced ?? (alert === undefined && state === 'ok' ? state : null);
  if (alert !== undefined) {
    try {
      await deps.alerts.publish(alert);
      notifiedState = state;
    } catch (error) {
      logger.error('Could not publish an alert; it is retried on the next check', { endpointId: endpoint.id, error: error as Error });
    }
  }
  await store.saveResult(endpoint.id, { report, state, notifiedState });
  return report;
}

export interface RunSummary {
  readonly checked: number;
  readonly failing: number;
  /** Endpoints whose check could not complete at all (store errors); the others still ran. */
  readonly errors: number;
}

/** The scheduled run: every configured endpoint, at most `concurrency` at a time, each within its own deadline. */
export async function runScheduledChecks(deps: CheckDeps & { concurrency?: number }): Promise<RunSummary> {
  const store = createEndpointStore(deps.metadata, deps.clock);
  const endpoints = await store.list();
  const results = await mapBounded(endpoints, deps.concurrency ?? DEFAULT_CONCURRENCY, (endpoint) => checkAndRecord(deps, store, endpoint));
  let failing = 0;
  let errors = 0;
  results.forEach((result, index) => {
    if (!result.ok) {
      errors++;
      logger.error('Endpoint check failed', { endpointId: endpoints[index]?.id, error: result.error as Error });
    } else if (result.value.verdict !== 'ok' && result.value.verdict !== 'expiring') failing++;
  });
  return { checked: endpoints.length, failing, errors };
}
