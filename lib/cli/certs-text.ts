import type { CheckReport, ChainEntry } from '../tls/index.ts';
import { protocolLabel } from '../tls/protocols.ts';

const SOURCE_LABEL: Record<ChainEntry['source'], string> = {
  server: 'sent by server',
  aia: 'downloaded (AIA)',
  'root-store': "Node's root store",
  truststore: 'truststore',
};

function pad(text: string, width: number): string {
  return text.length > width ? `${text.slice(0, width - 1)}…` : text.padEnd(width);
}

function chainTable(chain: readonly ChainEntry[]): string[] {
  const header = `  ${pad('#', 3)}${pad('Subject', 36)}${pad('Issuer', 36)}${pad('Expires', 12)}${'Days'.padStart(6)}  Source`;
  const rows = chain.map((entry, index) => {
    const source = `${SOURCE_LABEL[entry.source]}${entry.selfSigned ? ', self-signed' : ''}`;
    const days = entry.daysLeft < 0 ? `${String(entry.daysLeft)}!` : String(entry.daysLeft);
    return `  ${pad(String(index), 3)}${pad(entry.subject, 36)}${pad(entry.issuer, 36)}${pad(entry.notAfter.slice(0, 10), 12)}${days.padStart(6)}  ${source}`;
  });
  return [header, ...rows];
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

/** `certs check` for a person: the chain table with days left, the verdict, the message and the fix. */
export function checkReportText(report: CheckReport): string {
  const sni = report.servername === undefined ? 'no SNI' : `SNI ${report.servername}`;
  const lines = [`${report.host}:${String(report.port)} (${protocolLabel(report.protocol)}, ${sni})`, ''];
  if (report.chain.length > 0) lines.push(...chainTable(report.chain), '');
  // Without a certificate there is neither trust nor a host name to judge.
  const judged = report.chain.length > 0;
  const trust = report.trusted ? 'trusted' : 'NOT TRUSTED';
  const hostname = !judged || report.hostnameMatches ? '' : ', host name does not match';
  lines.push(`Verdict: ${report.verdict}${judged ? ` (${trust}${hostname})` : ' (no certificate received)'}`);
  lines.push(...wrap(report.problems.length > 1 ? report.problems[0] ?? report.message : report.message));
  for (const problem of report.problems.slice(1)) lines.push(...wrap(`Also: ${problem}`));
  if (report.revocation !== undefined && report.revocation.status !== 'revoked') lines.push(...wrap(`Revocation: ${report.revocation.status}. ${report.revocation.message}`));
  if (report.error?.fix !== undefined) lines.push(...wrap(`Fix: ${report.error.fix}`));
  const fix = report.fix;
  if (fix !== undefined) {
    lines.push('', 'Fix for the JVM:');
    if (fix.serverFix !== undefined) lines.push(...wrap(`On the server: ${fix.serverFix}`));
    lines.push(...wrap(fix.reason));
    lines.push('', `  1. Save this certificate as ${fix.file} (anchor: ${fix.anchor.subject}):`, '');
    lines.push(...fix.pem.trimEnd().split('\n').map((line) => `     ${line}`));
    lines.push('', "  2. Import it into the JVM's truststore (Java 9+; on Java 8 use -keystore $JAVA_HOME/jre/lib/security/cacerts):", '');
    lines.push(`     ${fix.keytool}`, '', '     or into a given truststore file:', '', `     ${fix.keytoolKeystore}`, '');
    lines.push('  keytool imports only the first certificate of a PEM file; this file holds exactly the one needed.');
    lines.push(`  Restart the application afterwards. To let Trustline itself trust it: trustline trust add --file ${fix.file}`);
  }
  return lines.join('\n');
}
