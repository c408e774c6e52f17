import { emfEndpointMetrics } from './metrics.ts';
import { type CheckDeps, checkAndRecord } from './scheduled-run.ts';
import type { Endpoint, EndpointStore } from './endpoints.ts';
import type { CheckReport } from './report.ts';

/**
 * Checks one target now (the admin API's check route), records the result and alerts on a change.
 * A door of its own, left out of the index and imported with `await import()` by its path: the probe,
 * the chain analysis and the revocation checks (with their ASN.1 stack) then load with this route only.
 */
export function checkNow(deps: Omit<CheckDeps, 'metrics'>, store: EndpointStore, endpoint: Endpoint): Promise<CheckReport> {
  return checkAndRecord({ ...deps, metrics: emfEndpointMetrics() }, store, endpoint);
}
