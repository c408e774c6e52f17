import { readFile } from 'node:fs/promises';
import net from 'node:net';
import { type Command, InvalidArgumentError, Option } from 'commander';
import { checkEndpoint, DEFAULT_WARN_DAYS, defaultPort, isProtocol, PROTOCOLS, type Protocol } from '../../tls/index.ts';
import { createTrustContext, fixedTrustStore, TrustError } from '../../trust/index.ts';
import { checkReportText } from '../certs-text.ts';
import { CliError } from '../errors.ts';
import { action, EXIT, withJson } from '../output.ts';

interface CheckOptions {
  readonly protocol: Protocol;
  readonly servername?: string;
  readonly caFile?: string;
  readonly warnDays: number;
  readonly timeout: number;
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

const integer = (min: number, max: number) => (value: string) => {
  const number = Number(value);
  if (!Number.isInteger(number) || number < min || number > max) throw new InvalidArgumentError(`must be a whole number from ${String(min)} to ${String(max)}`);
  return number;
};

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

/** `trustline certs check`: standalone (no server needed); trust = Node's roots + --ca-file, Java semantics. */
export function register(program: Command): void {
  const certs = program.command('certs').description('TLS certificates of the services an application connects to');
  withJson(
    certs
      .command('check')
      .description('check a TLS service: chain, days to expiry, host name, trust as Java sees it, and the fix')
      .argument('<HOST[:PORT]>', 'the service; the port defaults to the protocol\'s usual one')
      .addOption(new Option('--protocol <protocol>', 'how to reach TLS').choices(PROTOCOLS).default('https'))
      .option('--servername <name>', 'the name to send (SNI) and match; defaults to HOST when HOST is a name')
      .option('--ca-file <pem>', 'extra trust anchors (any certificate in the file is an anchor, as in a Java truststore)')
      .option('--warn-days <n>', 'call a certificate expiring within this many days "expiring"', integer(0, 3650), DEFAULT_WARN_DAYS)
      .option('--timeout <seconds>', 'one deadline for connect + protocol + handshake', integer(1, 300), 10),
  ).action(
    action(async (target: string, options: CheckOptions) => {
      if (!isProtocol(options.protocol)) throw new CertsUsageError(`Unknown protocol ${String(options.protocol)}.`);
      const { host, port } = parseTarget(target, options.protocol);
      const trust = createTrustContext(fixedTrustStore(await readCaFile(options.caFile)));
      const report = await checkEndpoint(
        { host, port, protocol: options.protocol, ...(options.servername === undefined ? {} : { servername: options.servername }) },
        { trust, timeoutMs: options.timeout * 1000, warnDays: options.warnDays },
      );
      const healthy = report.verdict === 'ok' || report.verdict === 'expiring';
      return { document: report, text: checkReportText(report), exitCode: healthy ? EXIT.ok : EXIT.failed };
    }),
  );
}
