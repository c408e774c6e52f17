import { type CheckReport, type ChainEntry, protocolLabel } from '../tls/index.ts';
import { colour } from './style.ts';
import { table } from './table.ts';

const SOURCE_LABEL: Record<ChainEntry['source'], string> = {
  server: 'sent by server',
  aia: 'downloaded (AIA)',
  'root-store': "Node's root store",
  truststore: 'managed truststore',
  'ca-file': '--ca-file',
};

/** The commands a report suggests, built by the caller with the arguments the user gave. */
export interface NextSteps {
  /** `certs check … --save-pem FILE`, when the PEM was not saved yet. */
  readonly savePem?: string;
  /** `trust add --from HOST:PORT …`: makes Trustline itself trust the peer. */
  readonly trustAdd?: string;
  /** `certs check … --protocol P`, when the server speaks another protocol. */
  readonly otherProtocol?: string;
  /** Where `--save-pem` wrote the anchor, when it did. */
  readonly savedTo?: string;
}

function chainTable(chain: readonly ChainEntry[]): string[] {
  const rows = chain.map((entry, index) => {
    const source = `${SOURCE_LABEL[entry.source]}${entry.selfSigned ? ', self-signed' : ''}`;
    const days = entry.daysLeft < 0 ? `${String(entry.daysLeft)}!` : String(entry.daysLeft);
    return [String(index), entry.subject, entry.issuer, entry.notAfter.slice(0, 10), days, source];
  });
  return table(['#', 'Subject', 'Issuer', 'Expires', 'Days', 'Source'], rows, { indent: '  ', header: colour.bold, right: [4] });
}

/** Wraps plain text at ~100 columns with an indent, for messages that are whole paragraphs. */
function wrap(text: string, indent = '  ', width = 100): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line !== '' && line.length + word.length + 1 > width) {
      lines.push(`${indent}${line}`);
      line = word;
    } else line = line === '' ? word : `${line} ${word}`;
  }
  if (line !== '') lines.push(`${indent}${line}`);
  return lines;
}

function verdictLine(report: CheckReport): string {
  // Without a certificate there is neither trust nor a host name to judge.
  const judged = report.chain.length > 0;
  const trust = report.trusted ? 'trusted' : 'NOT TRUSTED';
  const hostname = !judged || report.hostnameMatches ? '' : ', host name does not match';
  const paint = report.verdict === 'ok' ? colour.ok : report.verdict === 'expiring' ? colour.warn : colour.bad;
  return `Verdict: ${paint(report.verdict)}${judged ? ` (${trust}${hostname})` : ' (no certificate received)'}`;
}

/** The JVM fix: the PEM (never indented, so it pastes as is), the keytool commands, and how Trustline itself trusts it. */
function fixLines(fix: NonNullable<CheckReport['fix']>, next: NextSteps): string[] {
  const lines = ['', colour.bold('Fix for the JVM:')];
  if (fix.serverFix !== undefined) lines.push(...wrap(`On the server: ${fix.serverFix}`));
  lines.push(...wrap(fix.reason));
  if (next.savedTo !== undefined) lines.push('', `  1. The certificate (anchor: ${fix.anchor.subject}) is saved in ${next.savedTo}.`);
  else {
    lines.push('', `  1. Save this certificate as ${fix.file} (anchor: ${fix.anchor.subject}):`, '', fix.pem.trimEnd(), '');
    if (next.savePem !== undefined) lines.push('     or let Trustline write it:', '', `     ${colour.command(next.savePem)}`);
  }
  lines.push('', "  2. Import it into the JVM's truststore (Java 9+; on Java 8 use -keystore $JAVA_HOME/jre/lib/security/cacerts):", '');
  lines.push(`     ${colour.command(fix.keytool)}`, '', '     or into a given truststore file:', '', `     ${colour.command(fix.keytoolKeystore)}`, '');
  lines.push('  keytool imports only the first certificate of a PEM file; this file holds exactly the one needed.');
  lines.push('  Restart the application afterwards.');
  if (next.trustAdd !== undefined)
    lines.push('', '  To let Trustline itself trust it (it shows the certificate and asks first):', '', `     ${colour.command(next.trustAdd)}`);
  return lines;
}

/** `certs check` for a person: the chain table with days left, the verdict, the message and the fix. */
export function checkReportText(report: CheckReport, next: NextSteps = {}): string {
  const sni = report.servername === undefined ? 'no SNI' : `SNI ${report.servername}`;
  const lines = [colour.bold(`${report.host}:${String(report.port)} (${protocolLabel(report.protocol)}, ${sni})`), ''];
  if (report.chain.length > 0) lines.push(...chainTable(report.chain), '');
  lines.push(verdictLine(report));
  lines.push(...wrap(report.problems.length > 1 ? (report.problems[0] ?? report.message) : report.message));
  for (const problem of report.problems.slice(1)) lines.push(...wrap(`Also: ${problem}`));
  if (report.revocation !== undefined && report.revocation.status !== 'revoked')
    lines.push(...wrap(`Revocation: ${report.revocation.status}. ${report.revocation.message}`));
  if (report.error?.fix !== undefined) lines.push(...wrap(`Fix: ${report.error.fix}`));
  if (next.otherProtocol !== undefined) lines.push('', '  Run instead:', '', `     ${colour.command(next.otherProtocol)}`);
  if (report.fix !== undefined) lines.push(...fixLines(report.fix, next));
  return lines.join('\n');
}
