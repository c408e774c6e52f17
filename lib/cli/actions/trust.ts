/** What `trustline trust ...` does, loaded only when it runs (commands/trust.ts declares it). */
import { X509Certificate } from 'node:crypto';
import { access, readFile, writeFile } from 'node:fs/promises';
import { createInterface } from 'node:readline/promises';
import { rootCertificates } from 'node:tls';
import * as z from 'zod';
import { standaloneOutboundPolicyOptions } from '../../runtime/config.ts';
import { checkEndpoint, type Protocol, exportTruststore, TRUSTSTORE_PASSWORD, type ExportFormat } from '../../tls/index.ts';
import { createTrustContext, fixedTrustStore, parsePemCertificates, toPem, type TrustEntry, TrustError } from '../../trust/index.ts';
import { AdminClient } from '../admin-client.ts';
import { CliError } from '../errors.ts';
import { type CommandResult, EXIT } from '../output.ts';
import { cliCommand } from '../next-step.ts';
import { parseTarget } from './certs.ts';

async function exists(file: string): Promise<boolean> {
  try {
    await access(file);
    return true;
  } catch {
    return false;
  }
}

const entrySchema = z.object({
  fingerprintSha256: z.string(),
  alias: z.string(),
  subject: z.string(),
  issuer: z.string(),
  notAfter: z.string(),
  pem: z.string(),
  addedAt: z.string(),
});
const listSchema = z.object({ entries: z.array(entrySchema) });

/** Bad input on the command line: exit 2. */
class TrustUsageError extends CliError {
  override readonly code = 'BAD_INPUT';
  override readonly exitCode = EXIT.usage;
}

const line = (entry: TrustEntry) => `${entry.alias}  ${entry.subject}  (until ${entry.notAfter.slice(0, 10)})\n    SHA-256 ${entry.fingerprintSha256}`;

async function pemsFromFile(file: string): Promise<string[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new TrustUsageError(`Cannot read ${file}: ${(error as Error).message}.`, undefined, { cause: error });
  }
  try {
    const certs = parsePemCertificates(text);
    if (certs.length === 0) throw new TrustUsageError(`${file} holds no PEM certificate.`, 'export it as PEM (-----BEGIN CERTIFICATE-----).');
    return certs.map(toPem);
  } catch (error) {
    if (error instanceof TrustError) throw new TrustUsageError(`${file}: ${error.message}`, error.fix, { cause: error });
    throw error;
  }
}

/**
 * Asks on the terminal; without one, reads the answer from the first line of stdin
 * (`echo y | trustline trust add --from …`). No answer at all is a refusal (exit 2).
 */
async function confirm(question: string): Promise<boolean> {
  if (process.stdin.isTTY) {
    const prompt = createInterface({ input: process.stdin, output: process.stderr });
    try {
      return /^y(es)?$/i.test((await prompt.question(question)).trim());
    } finally {
      prompt.close();
    }
  }
  process.stderr.write(question);
  const lines = createInterface({ input: process.stdin });
  let answer: string | undefined;
  for await (const line of lines) {
    answer = line;
    break;
  }
  lines.close();
  process.stderr.write(`${answer ?? ''}\n`);
  if (answer === undefined)
    throw new TrustUsageError(
      'Refusing to add a certificate without confirmation.',
      'check the certificate above, then answer y on stdin or run again with --yes.',
    );
  return /^y(es)?$/i.test(answer.trim());
}

/** What someone needs to see before trusting a certificate: subject, issuer, validity, names and fingerprint. */
function describeCertificate(pem: string, fingerprint: string): string {
  const cert = new X509Certificate(pem);
  const oneLine = (dn: string) => dn.replaceAll('\n', ', ');
  return [
    `  Subject:     ${oneLine(cert.subject)}`,
    `  Issuer:      ${oneLine(cert.issuer)}${cert.subject === cert.issuer ? ' (self-signed)' : ''}`,
    `  Valid:       ${new Date(cert.validTo).toISOString().slice(0, 10) < new Date().toISOString().slice(0, 10) ? 'EXPIRED ' : ''}from ${new Date(cert.validFrom).toISOString()} to ${new Date(cert.validTo).toISOString()}`,
    `  Names (SAN): ${cert.subjectAltName ?? 'none'}`,
    `  SHA-256:     ${fingerprint}`,
  ].join('\n');
}

interface FromOptions {
  readonly from: string;
  readonly protocol: Protocol;
  readonly servername?: string;
  readonly yes?: boolean;
  readonly json?: boolean;
}

export type AddOptions = Partial<FromOptions> & { file?: string; alias?: string };

export interface ExportOptions {
  readonly format: ExportFormat;
  /** A file, or `-` for stdout. */
  readonly out: string;
  readonly includeNodeRoots?: boolean;
  readonly force?: boolean;
  readonly json?: boolean;
}

/** The certificate the JVM would need for HOST:PORT, chosen like `certs check`'s fix; undefined when already trusted. */
async function anchorFrom(client: AdminClient, options: FromOptions) {
  const { host, port } = parseTarget(options.from, options.protocol);
  const managed = (await client.get('/admin/trust', listSchema)).entries;
  const trust = createTrustContext(fixedTrustStore(managed.map((e) => e.pem).join('')), { outbound: standaloneOutboundPolicyOptions() });
  const report = await checkEndpoint(
    { host, port, protocol: options.protocol, ...(options.servername === undefined ? {} : { servername: options.servername }) },
    { trust },
  );
  if (report.error !== undefined) throw new CliError(report.message, report.error.fix);
  return report;
}

/** `trust add`: entries from a PEM file, or the anchor a server needs (after confirmation). */
export async function addCommand(options: AddOptions): Promise<CommandResult> {
  if ((options.file === undefined) === (options.from === undefined)) throw new TrustUsageError('Give exactly one of --file or --from.');
  const client = AdminClient.fromEnv();
  let pems: string[];
  if (options.file !== undefined) {
    pems = await pemsFromFile(options.file);
    if (pems.length > 1 && options.alias !== undefined) throw new TrustUsageError('--alias names one entry, but the file holds several certificates.');
  } else {
    const report = await anchorFrom(client, { ...options, from: options.from ?? '', protocol: options.protocol ?? 'https' });
    if (report.fix === undefined) {
      return { document: { added: [], report }, text: `Nothing to add: ${report.message}` };
    }
    const { fix } = report;
    process.stderr.write(`${report.message}\n\nCertificate to trust:\n${describeCertificate(fix.pem, fix.anchor.fingerprintSha256)}\n  ${fix.reason}\n`);
    if (options.yes !== true && !(await confirm('Trust this certificate? [y/N] ')))
      return { document: { added: [] }, text: 'Nothing added.', exitCode: EXIT.failed };
    pems = [fix.pem];
  }
  const added: TrustEntry[] = [];
  for (const pem of pems) added.push(await client.post('/admin/trust', { pem, ...(options.alias === undefined ? {} : { alias: options.alias }) }, entrySchema));
  return { document: { added }, text: `Added to the truststore:\n${added.map(line).join('\n')}` };
}

/** `trust list`. */
export async function listCommand(): Promise<CommandResult> {
  const { entries } = await AdminClient.fromEnv().get('/admin/trust', listSchema);
  return { document: { entries }, text: entries.length === 0 ? 'The truststore is empty.' : entries.map(line).join('\n') };
}

/** The one entry a `trust remove` argument names: a fingerprint prefix of 8+ hex digits (colons allowed) or an alias. */
function matchEntry(entries: readonly TrustEntry[], given: string): TrustEntry | undefined {
  const hex = given.replaceAll(':', '').toLowerCase();
  const byAlias = entries.filter((entry) => entry.alias.toLowerCase() === given.toLowerCase());
  const byPrefix = /^[0-9a-f]{8,64}$/.test(hex) ? entries.filter((entry) => entry.fingerprintSha256.startsWith(hex)) : [];
  const matches = [...new Set([...byAlias, ...byPrefix])];
  if (matches.length > 1) {
    throw new TrustUsageError(
      `"${given}" matches ${String(matches.length)} entries: ${matches.map((e) => e.alias).join(', ')}.`,
      'give more digits of the fingerprint, or the alias.',
    );
  }
  if (matches.length === 0 && byAlias.length === 0 && /^[0-9a-fA-F:]+$/.test(given) && hex.length < 8) {
    throw new TrustUsageError(`"${given}" is too short: give at least 8 hex digits of the fingerprint, or the alias.`);
  }
  return matches[0];
}

/** `trust remove FINGERPRINT-PREFIX|ALIAS`: exit 1 when nothing matched, so a script notices. */
export async function removeCommand(given: string): Promise<CommandResult> {
  const client = AdminClient.fromEnv();
  const { entries } = await client.get('/admin/trust', listSchema);
  const entry = matchEntry(entries, given);
  if (entry === undefined) {
    throw new NothingRemovedError(
      `No truststore entry has the fingerprint or alias "${given}"; nothing was removed.`,
      `list them with \`${cliCommand(['trust', 'list'])}\`.`,
    );
  }
  await client.delete(`/admin/trust/${entry.fingerprintSha256}`);
  return { document: { removed: entry }, text: `Removed ${entry.alias} (${entry.subject}, SHA-256 ${entry.fingerprintSha256}).` };
}

/** Nothing matched what to remove: the checked thing failed (exit 1), not bad usage. */
class NothingRemovedError extends CliError {
  override readonly code = 'NOTHING_REMOVED';
}

/** `trust export`: a PEM bundle or a PKCS#12 truststore, with how to use it. */
export async function exportCommand(options: ExportOptions): Promise<CommandResult> {
  const { entries } = await AdminClient.fromEnv().get('/admin/trust', listSchema);
  const roots = options.includeNodeRoots === true ? await fixedTrustStore(rootCertificates.join('\n')).list() : [];
  const all = [...entries, ...roots.filter((root) => !entries.some((e) => e.fingerprintSha256 === root.fingerprintSha256))];
  const bytes = exportTruststore(all, options.format);
  if (options.out === '-') {
    if (options.json === true) throw new TrustUsageError('--out - writes the truststore to stdout, where --json writes its document: use one of them.');
    process.stdout.write(bytes);
    return { document: { file: '-', format: options.format, entries: all.length }, text: '', silent: true };
  }
  if (options.force !== true && (await exists(options.out))) {
    throw new TrustUsageError(`${options.out} already exists; nothing was written.`, 'add --force to replace it, or choose another --out.');
  }
  await writeFile(options.out, bytes, { mode: 0o644 });
  const usage =
    options.format === 'pkcs12'
      ? `Use it with: -Djavax.net.ssl.trustStore=${options.out} -Djavax.net.ssl.trustStoreType=PKCS12 -Djavax.net.ssl.trustStorePassword=${TRUSTSTORE_PASSWORD}\n` +
        (options.includeNodeRoots === true
          ? ''
          : "Note: -Djavax.net.ssl.trustStore replaces the JVM's cacerts, so the JVM then trusts only these entries; add --include-node-roots to keep public CAs.")
      : `keytool imports only the first certificate of a PEM file: import each entry on its own (\`${cliCommand(['certs', 'check', 'HOST:PORT'])}\` prints the command for a server), or use --format pkcs12.`;
  return {
    document: { file: options.out, format: options.format, entries: all.length },
    text: `Wrote ${String(all.length)} certificate(s) to ${options.out}.\n${usage}`,
  };
}
