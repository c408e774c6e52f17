/**
 * What `trustline certs check` does, loaded only when it runs (commands/certs.ts declares it).
 * Imports name the modules rather than lib/tls's index: unbundled, an index loads everything it re-exports.
 */
import { readFile } from 'node:fs/promises';
import net from 'node:net';
import { standaloneOutboundPolicyOptions } from '../../runtime/config.ts';
import { checkEndpoint } from '../../tls/check.ts';
import { defaultPort, isProtocol, type Protocol } from '../../tls/protocols.ts';
import { createTrustContext, fixedTrustStore, TrustError } from '../../trust/index.ts';
import { checkReportText } from '../certs-text.ts';
import { CliError } from '../errors.ts';
import { type CommandResult, EXIT } from '../output.ts';

export interface CheckOptions {
  readonly protocol: Protocol;
  readonly servername?: string;
  readonly caFile?: string;
  readonly warnDays: number;
  readonly timeout: number;
  /** false with --no-revocation. */
  readonly revocation?: boolean;
}

/** A bad argument or unreadable file: exit 2. */
class CertsUsageError extends CliError {
  override readonly code = 'BAD_INPUT';
  override readonly exitCode = EXIT.usage;
}

/** `HOST`, `HOST:PORT`, `[IPv6]:PORT` or a bare IPv6 address. */
export function parseTarget(value: string, protocol: Protocol): { host: string; port: number } {
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(value);
  const [host, portText] = bracketed
    ? [bracketed[1] ?? '', bracketed[2]]
    : net.isIPv6(value)
      ? [value, undefined]
      : (value.split(/:(?=\d+$)/) as [string, string | undefined]);
  const port = portText === undefined ? defaultPort(protocol) : Number(portText);
  if (host === '' || /[\s/]/.test(host) || !Number.isInteger(port) || port < 1 || port > 65535) {
    throw new CertsUsageError(`"${value}" is not HOST[:PORT].`, 'for example: mail.example.com:993 or 127.0.0.1:8443');
  }
  return { host, port };
}

async function readCaFile(file: string | undefined): Promise<string> {
  if (file === undefined) return '';
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new CertsUsageError(`Cannot read --ca-file ${file}: ${(error as Error).message}.`, undefined, { cause: error });
  }
  try {
    if ((await fixedTrustStore(text).list()).length === 0) throw new CertsUsageError(`--ca-file ${file} holds no PEM certificate.`);
  } catch (error) {
    if (error instanceof TrustError) throw new CertsUsageError(`--ca-file ${file}: ${error.message}`, error.fix, { cause: error });
    throw error;
  }
  return text;
}

/** `certs check`: the report, as text or JSON; exit 1 unless the service is healthy (ok or expiring). */
export async function checkCommand(target: string, options: CheckOptions): Promise<CommandResult> {
  if (!isProtocol(options.protocol)) throw new CertsUsageError(`Unknown protocol ${String(options.protocol)}.`);
  const { host, port } = parseTarget(target, options.protocol);
  const trust = createTrustContext(fixedTrustStore(await readCaFile(options.caFile)), { outbound: standaloneOutboundPolicyOptions() });
  const report = await checkEndpoint(
    { host, port, protocol: options.protocol, ...(options.servername === undefined ? {} : { servername: options.servername }) },
    { trust, timeoutMs: options.timeout * 1000, warnDays: options.warnDays, revocation: options.revocation !== false },
  );
  const healthy = report.verdict === 'ok' || report.verdict === 'expiring';
  return { document: report, text: checkReportText(report), exitCode: healthy ? EXIT.ok : EXIT.failed };
}
