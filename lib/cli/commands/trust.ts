import { type Command, Option } from 'commander';
import { EXPORT_FORMATS, PROTOCOLS } from '../../tls/index.ts';
import type { AddOptions, ExportOptions } from '../actions/trust.ts';
import { action, withJson } from '../output.ts';

/** `trustline trust add|list|remove|export`: a client of the admin API (/admin/trust) at TRUSTLINE_URL. */
export function register(program: Command): void {
  const trust = program.command('trust').description("Trustline's managed truststore: the anchors every outbound connection trusts besides Node's roots");

  withJson(
    trust
      .command('add')
      .description('add certificates from a PEM file, or the anchor a server needs (--from HOST:PORT)')
      .option('--file <pem>', 'a PEM file; each certificate becomes one entry')
      .option('--from <HOST:PORT>', "fetch the server's chain and add the certificate a JVM would need as anchor")
      .addOption(new Option('--protocol <protocol>', 'with --from: how to reach TLS').choices(PROTOCOLS).default('https'))
      .option('--servername <name>', 'with --from: the name to send (SNI)')
      .option('--alias <alias>', 'alias of the entry (default: trustline-<name>-<fingerprint>)')
      .option('--yes', 'with --from: do not ask for confirmation'),
  ).action(action(async (options: AddOptions) => (await import('../actions/trust.ts')).addCommand(options)));

  withJson(trust.command('list').description('list the truststore entries')).action(action(async () => (await import('../actions/trust.ts')).listCommand()));

  withJson(
    trust
      .command('remove')
      .description('remove an entry; exits 1 when nothing matched')
      .argument('<fingerprint-or-alias>', 'its alias, or at least 8 leading hex digits of its SHA-256 fingerprint (colons allowed)'),
  ).action(action(async (fingerprint: string) => (await import('../actions/trust.ts')).removeCommand(fingerprint)));

  withJson(
    trust
      .command('export')
      .description('write the truststore as a PEM bundle or a PKCS#12 file for -Djavax.net.ssl.trustStore')
      .addOption(new Option('--format <format>', 'pem or pkcs12').choices(EXPORT_FORMATS).makeOptionMandatory())
      .requiredOption('--out <file>', 'where to write it; - for stdout')
      .option('--force', 'replace the file when it exists')
      .option('--include-node-roots', "also include Node's root store (Mozilla's CAs), so public services keep working"),
  ).action(action(async (options: ExportOptions) => (await import('../actions/trust.ts')).exportCommand(options)));
}
