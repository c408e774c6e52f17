import type { CheckReport } from '../tls/index.ts';
import { EXIT_NAGIOS, type NagiosExit } from './output-codes.ts';

/** Nagios plugin states (Monitoring Plugins Development Guidelines: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN). */
type State = keyof typeof EXIT_NAGIOS;

/** A reason on one line that cannot end the status text early ('|' starts performance data). */
const oneLine = (text: string) => text.replace(/\s+/g, ' ').replaceAll('|', '/').trim();

/** The first sentence of a report's message: the reason a check_ssl_cert user expects on the status line. */
function firstSentence(message: string): string {
  const match = /^.*?[.!?](?=\s|$)/.exec(message);
  return match?.[0] ?? message;
}

/** `SSL_CERT STATE - reason | days=N;WARN;;` for a report, and the plugin's exit code. */
export function nagiosLine(report: CheckReport, warnDays: number): { line: string; exitCode: NagiosExit } {
  const state: State = report.verdict === 'ok' ? 'OK' : report.verdict === 'expiring' ? 'WARNING' : 'CRITICAL';
  const address = `${report.host}:${String(report.port)}`;
  const reason = report.verdict === 'ok' ? `${address}: ${firstSentence(report.message)}` : `${address} ${report.verdict}: ${firstSentence(report.message)}`;
  // 'U' is the guidelines' value for a measurement that could not be taken.
  const days = report.daysLeft === null ? 'U' : String(report.daysLeft);
  return { line: `SSL_CERT ${state} - ${oneLine(reason)} | days=${days};${String(warnDays)};;`, exitCode: EXIT_NAGIOS[state] };
}

/** The UNKNOWN line for a check that could not run (bad input, an unexpected error). */
export function nagiosUnknown(message: string): string {
  return `SSL_CERT UNKNOWN - ${oneLine(message)}`;
}
