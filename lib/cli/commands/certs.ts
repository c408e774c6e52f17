import { type Command, InvalidArgumentError, Option } from 'commander';
import { DEFAULT_WARN_DAYS, PROTOCOLS } from '../../tls/index.ts';
import type { CheckOptions } from '../actions/certs.ts';
import { action, withJson } from '../output.ts';

/** Commander's parser for a whole number within bounds; anything else is a usage error (exit 2). */
export const integer = (min: number, max: number) => (value: string) => {
  const number = Number(value);
  if (!/^\d+$/.test(value) || !Number.isInteger(number) || number < min || number > max)
    throw new InvalidArgumentError(`must be a whole number from ${String(min)} to ${String(max)}`);
  return number;
};

/** `trustline certs check`: standalone (no server needed); trust = Node's roots + the managed truststore + --ca-file, Java semantics. */
export function register(program: Command): void {
  const certs = program.command('certs').description('TLS certificates of the services an application connects to');
  withJson(
    certs
      .command('check')
      .description('check a TLS service: chain, days to expiry, host name, trust as Java sees it, and the fix')
      .argument('<HOST[:PORT]>', "the service; the port defaults to the protocol's usual one")
      .addOption(new Option('--protocol <protocol>', 'how to reach TLS').choices(PROTOCOLS).default('https'))
      .option('--servername <name>', 'the name to send (SNI) and match; defaults to HOST when HOST is a name')
      .option('--ca-file <pem>', 'extra trust anchors (any certificate in the file is an anchor, as in a Java truststore)')
      .option('--warn-days <n>', 'call a certificate expiring within this many days "expiring"', integer(0, 3650), DEFAULT_WARN_DAYS)
      .option('--timeout <seconds>', 'one deadline for connect + protocol + handshake + revocation', integer(1, 300), 10)
      .option('--no-revocation', 'do not ask whether the certificate was revoked (stapled OCSP, OCSP responder, CRL)')
      .option('--save-pem <file>', 'write the certificate the JVM needs as its anchor to this file (the printed keytool commands name it)')
      .addOption(new Option('--nagios', 'print one Nagios/Icinga plugin line and exit 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN').conflicts('json')),
  ).action(action(async (target: string, options: CheckOptions) => (await import('../actions/certs.ts')).checkCommand(target, options)));
}
