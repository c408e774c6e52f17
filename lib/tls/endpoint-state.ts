import type { Alert } from '../observe/index.ts';
import { addressOf } from './probe.ts';
import type { Endpoint, EndpointState } from './endpoints.ts';
import type { CheckReport } from './report.ts';

/** ok, expiring (below warnDays), or failing with the verdict that says why. */
export function stateOf(report: CheckReport): EndpointState {
  if (report.verdict === 'ok') return 'ok';
  if (report.verdict === 'expiring') return 'expiring';
  return `failing:${report.verdict}`;
}

/**
 * The alert for a state change, or undefined when nothing changed. A first check that finds
 * the endpoint healthy is not news; a first check that finds it failing or expiring is.
 */
export function alertFor(endpoint: Endpoint, previous: EndpointState | undefined, report: CheckReport): Alert | undefined {
  const current = stateOf(report);
  if (current === previous || (previous === undefined && current === 'ok')) return undefined;
  const target = `${report.protocol} ${addressOf(endpoint)}`;
  const details = { endpointId: endpoint.id, verdict: report.verdict, trusted: report.trusted, daysLeft: report.daysLeft, previous: previous ?? null };
  if (current === 'ok') {
    return { key: `endpoint:${endpoint.id}`, severity: 'info', subject: `Recovered: ${target}`, message: report.message, details };
  }
  if (current === 'expiring') {
    return {
      key: `endpoint:${endpoint.id}`,
      severity: 'warning',
      subject: `Certificate expiring in ${String(report.daysLeft)} days: ${target}`,
      message: report.message,
      details,
    };
  }
  return {
    key: `endpoint:${endpoint.id}`,
    severity: 'critical',
    subject: `TLS check failing (${report.verdict}): ${target}`,
    message: report.message,
    details,
  };
}
