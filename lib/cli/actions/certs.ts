/**
 * What `trustline certs check` does, loaded only when it runs (commands/certs.ts declares it).
 * Imports name the modules rather than lib/tls's index: unbundled, an index loads everything it re-exports.
 */
import { readFile, writeFile } from 'node:fs/promises';
import net from 'node:net';
import { standaloneOutboundPolicyOptions } from '../../runtime/config.ts';
import { checkEndpoint, keytoolCommands, addressOf, defaultPort, isProtocol, type Protocol, type CheckReport } from '../../tls/index.ts';
import { createTrustContext, fixedTrustStore, parsePemCertificates, toPem, TrustError } from '../../trust/index.ts';
import { checkReportText, type NextSteps } from '../certs-text.ts';
import { CliError } from '../errors.ts';
import { readManagedTrust } from '../managed-trust.ts';
import { nagiosLine } from '../nagios.ts';
import { cliCommand, shellQuote } from '../next-step.ts';
import { type CommandResult, EXIT } from '../output.ts';
import { withSpinner } from '../spinner.ts';

export interface CheckOptions {
  readonly protocol: Protocol;
  readonly servername?: string;
  readonly caFile?: string;
  readonly warnDays: number;
  readonly timeout: number;
  readonly savePem?: string;
  readonly nagios?: boolean;
  /** false with --no-revocation. */
  readonly revocation?: boolean;
}

/** A bad argument or unreadable file: exit 2. */
export class CertsUsageError extends CliError {
  override readonly code = 'BAD_INPUT';
  override readonly exitCode = EXIT.usage;
}

/** `HOST`, `HOST:PORT`, `[IPv6]:PORT` or a bare IPv6 address; anything else (`localhost:abc`, port 0) is bad input. */
export function parseTarget(value: string, protocol: Protocol): { host: string; port: number } {
  const bracketed = /^\[([^\]]+)\](?::([^:]*))?$/.exec(value);
  const [host, portText] = bracketed
    ? [bracketed[1] ?? '', bracketed[2]]
    : net.isIPv6(value)
      ? [value, undefined]
      : value.includes(':')
        ? [value.slice(0, value.lastIndexOf(':')), value.slice(value.lastIndexOf(':') + 1)]
        : [value, undefined];
  const port = portText === undefined ? defaultPort(protocol) : /^\d{1,5}$/.test(portText) ? Number(portText) : Number.NaN;
  const hostOk = host !== '' && !/[\s/@]/.test(host) && (bracketed !== null ? net.isIPv6(host) : !host.includes(':') || net.isIPv6(host));
  if (!hostOk || !Number.isInteger(port) || port < 1 || port > 65535) {
    const why = hostOk ? `the port "${portText ?? ''}" is not a number from 1 to 65535` : `"${host}" is not a host name or IP address`;
    throw new CertsUsageError(`"${value}" is not HOST[:PORT]: ${why}.`, 'for example: mail.example.com:993, 127.0.0.1:8443 or [::1]:8443');
  }
  return { host, port };
}

async function readCaFile(file: string | undefined): Promise<string[]> {
  if (file === undefined) return [];
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new CertsUsageError(`Cannot read --ca-file ${file}: ${(error as Error).message}.`, undefined, { cause: error });
  }
  try {
    const pems = parsePemCertificates(text).map(toPem);
    if (pems.length === 0) throw new CertsUsageError(`--ca-file ${file} holds no PEM certificate.`);
    return pems;
  } catch (error) {
    if (error instanceof TrustError) throw new CertsUsageError(`--ca-file ${file}: ${error.message}`, error.fix, { cause: error });
    throw error;
  }
}

/** The arguments that reach the same service again: HOST:PORT, then --protocol and --servername when they differ from the defaults. */
function targetArgs(report: CheckReport, options: CheckOptions, protocol: Protocol = report.protocol): string[] {
  return [
    addressOf(report),
    ...(protocol === 'https' ? [] : ['--protocol', protocol]),
    ...(options.servername === undefined ? [] : ['--servername', options.servername]),
  ];
}

/** Writes the anchor the JVM needs to `file`; the report's keytool commands then name that file. */
async function savePem(report: CheckReport, file: string): Promise<CheckReport> {
  if (report.fix === undefined) {
    process.stderr.write(
      `Nothing saved to ${file}: ${report.chain.length === 0 ? 'no certificate was received' : 'the JVM needs no extra anchor for this chain'}.\n`,
    );
    return report;
  }
  try {
    await writeFile(file, report.fix.pem, { mode: 0o644 });
  } catch (error) {
    throw new CertsUsageError(`Cannot write --save-pem ${file}: ${(error as Error).message}.`, undefined, { cause: error });
  }
  return { ...report, fix: { ...report.fix, file, ...keytoolCommands(report.fix.alias, shellQuote(file)) } };
}

/** The commands a person can run next, each runnable as printed. */
function nextSteps(report: CheckReport, options: CheckOptions): NextSteps {
  const caFile = options.caFile === undefined ? [] : ['--ca-file', options.caFile];
  const fix = report.fix;
  const other = report.error?.protocol;
  return {
    ...(fix !== undefined && options.savePem === undefined
      ? { savePem: cliCommand(['certs', 'check', ...targetArgs(report, options), ...caFile, '--save-pem', fix.file]) }
      : {}),
    ...(fix !== undefined && options.savePem !== undefined ? { savedTo: options.savePem } : {}),
    ...(fix !== undefined ? { trustAdd: cliCommand(['trust', 'add', '--from', ...targetArgs(report, options)]) } : {}),
    ...(other === undefined ? {} : { otherProtocol: cliCommand(['certs', 'check', ...targetArgs(report, options, other)]) }),
  };
}

/**
 * `certs check`: trusts Node's roots, the managed truststore (from Trustline at TRUSTLINE_URL,
 * when it answers) and --ca-file. Exit 0 only for `ok`; `expiring` exits 1 so a script notices,
 * and --nagios maps verdicts to the plugin states.
 */
export async function checkCommand(target: string, options: CheckOptions): Promise<CommandResult> {
  if (!isProtocol(options.protocol)) throw new CertsUsageError(`Unknown protocol ${String(options.protocol)}.`);
  const { host, port } = parseTarget(target, options.protocol);
  const extraCa = await readCaFile(options.caFile);
  const managed = await readManagedTrust();
  const note = managed.consulted
    ? undefined
    : `Note: the managed truststore was not consulted (${managed.reason.replace(/\.$/, '')}); this check trusts Node's root store${extraCa.length > 0 ? ' and --ca-file' : ''} only.`;
  // A monitoring system reads stdout only: under --nagios the note is the plugin's long output instead.
  if (note !== undefined && options.nagios !== true) process.stderr.write(`${note}\n`);
  const trust = createTrustContext(fixedTrustStore(managed.consulted ? managed.pems.join('\n') : ''), { outbound: standaloneOutboundPolicyOptions() });
  const address = addressOf({ host, port });
  const checked = await withSpinner(`Checking ${address}…`, () =>
    checkEndpoint(
      { host, port, protocol: options.protocol, ...(options.servername === undefined ? {} : { servername: options.servername }) },
      {
        trust,
        extraCa,
        managedConsulted: managed.consulted,
        timeoutMs: options.timeout * 1000,
        warnDays: options.warnDays,
        revocation: options.revocation !== false,
      },
    ),
  );
  const report = options.savePem === undefined ? checked : await savePem(checked, options.savePem);
  if (options.nagios === true) {
    const { line, exitCode } = nagiosLine(report, options.warnDays);
    return { document: report, text: note === undefined ? line : `${line}\n${note}`, exitCode };
  }
  return { document: report, text: checkReportText(report, nextSteps(report, options)), exitCode: report.verdict === 'ok' ? EXIT.ok : EXIT.failed };
}
