/** What `trustline jwt proxy-check` does, loaded only when it runs (commands/jwt.ts declares it). */
import type { ProxyKind } from '../../jwt/index.ts';
import { checkProxyConfig, ProxyConfigError, type ProxyCheckReport, type ProxyFinding } from '../../jwt/proxy-config/index.ts';
import { CliError } from '../errors.ts';
import { type CommandResult, EXIT } from '../output.ts';

export interface ProxyCheckOptions {
  readonly kind?: string;
}

/** A configuration that cannot be read or parsed, or a bad --kind: exit 2 with the reason's code. */
export class ProxyCheckInputError extends CliError {
  override readonly code: string;
  override readonly exitCode = EXIT.usage;
  constructor(code: string, message: string, fix?: string, options?: ErrorOptions) {
    super(message, fix, options);
    this.code = code;
  }
}

/** `jwt proxy-check FILE`: exit 0 when nothing in the configuration breaks qsh, 1 when something does. */
export async function proxyCheckCommand(file: string, options: ProxyCheckOptions): Promise<CommandResult> {
  const kind = parsedKind(options.kind);
  let report: ProxyCheckReport;
  try {
    report = await checkProxyConfig(file, kind === undefined ? {} : { kind });
  } catch (error) {
    if (error instanceof ProxyConfigError) throw new ProxyCheckInputError(error.code, error.message, error.fix, { cause: error });
    throw error;
  }
  const document = { kind: report.kind, findings: report.findings.map(contractFields), notes: report.notes.map(contractFields) };
  return { document, text: describe(report), exitCode: report.findings.length === 0 ? EXIT.ok : EXIT.failed };
}

function parsedKind(kind: string | undefined): ProxyKind | undefined {
  if (kind === undefined || kind === 'apache' || kind === 'nginx') return kind;
  throw new ProxyCheckInputError('USAGE', `--kind must be apache or nginx, not "${kind}".`, 'leave it out to detect the kind from the file.');
}

function contractFields({ file, line, directive, problem, fix, change }: ProxyFinding) {
  return { file, line, directive, problem, fix, change };
}

function describe(report: ProxyCheckReport): string {
  const name = report.kind === 'apache' ? 'Apache httpd' : 'nginx';
  const lines =
    report.findings.length === 0
      ? [`${name}: nothing here changes the request URL on its way to the app; Connect JWTs (qsh) will match.`]
      : [`${name}: ${report.findings.length} setting${report.findings.length === 1 ? '' : 's'} will break Connect JWTs (qsh):`];
  for (const f of report.findings) lines.push('', `${f.file}:${f.line}: ${f.directive}`, `  problem: ${f.problem}`, `  fix: ${f.fix}`);
  for (const n of report.notes) lines.push('', `note: ${n.file}:${n.line}: ${n.directive}`, `  ${n.problem}`, `  fix: ${n.fix}`);
  return lines.join('\n');
}
