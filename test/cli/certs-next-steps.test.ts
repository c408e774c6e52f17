import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CheckReport } from '../../lib/tls/index.ts';
import { selfSigned, type Issued } from '../support/tls/pki.ts';
import { startRuntime } from '../support/tls/runtime.ts';
import { closedPort, type Running, tlsServer } from '../support/tls/servers.ts';
import { imapServer } from '../support/tls/starttls-servers.ts';
import { runCli, runPrinted } from './run-cli.ts';

const run = promisify(execFile);

let runtime: Awaited<ReturnType<typeof startRuntime>>;
let dir: string;
let server: Issued;
let peer: Running;
const peers: Running[] = [];

beforeAll(async () => {
  runtime = await startRuntime(['trust']);
  dir = await mkdtemp(path.join(tmpdir(), 'trustline-certs-steps-'));
  server = await selfSigned({ cn: 'localhost', dns: ['localhost'], ips: ['127.0.0.1'] });
  peer = await tlsServer(server.keyPem, server.pem);
  peers.push(peer);
});
afterAll(async () => {
  await Promise.all(peers.map((p) => p.close()));
  await runtime.stop();
  await rm(dir, { recursive: true, force: true });
});

/** The printed lines that are commands of `program` (indented under their explanation). */
const printedCommands = (text: string, program: string) =>
  text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line.startsWith(`${program} `));

describe('certs check: one truststore, and every printed next step runs as printed', () => {
  it('an untrusted peer: the PEM pastes as is, --save-pem writes it, keytool imports it, trust add --from makes Trustline trust it', async () => {
    const target = `127.0.0.1:${String(peer.port)}`;
    const first = await runCli(['certs', 'check', target, '--servername', 'localhost'], runtime.env, { cwd: dir });
    expect(first.code).toBe(1);
    expect(first.stdout).toContain('Verdict: self-signed (NOT TRUSTED)');
    // Not indented: pasted as shown, keytool reads it.
    expect(first.stdout).toContain(`\n${server.pem.trimEnd()}\n`);
    const steps = printedCommands(first.stdout, 'trustline');
    const savePem = steps.find((step) => step.includes('--save-pem'));
    const trustAdd = steps.find((step) => step.startsWith('trustline trust add --from'));
    expect(savePem).toMatch(new RegExp(`^trustline certs check ${target} --servername localhost --save-pem trustline-localhost-[0-9a-f]{8}\\.pem$`));
    expect(trustAdd).toBe(`trustline trust add --from ${target} --servername localhost`);

    // Step: save the PEM. The keytool commands it prints then name the saved file.
    const saved = await runPrinted(savePem ?? '', runtime.env, { cwd: dir });
    expect(saved.code).toBe(1);
    const file = /--save-pem (\S+)$/.exec(savePem ?? '')?.[1] ?? '';
    expect(await readFile(path.join(dir, file), 'utf8')).toBe(server.pem);
    expect(saved.stdout).toContain(`is saved in ${file}`);
    const keytool = printedCommands(saved.stdout, 'keytool').find((step) => step.includes('-keystore'));
    expect(keytool).toContain(`-file ${file} `);

    // Step: keytool into "$JAVA_HOME/lib/security/cacerts", as printed, with JAVA_HOME a scratch JDK layout.
    const javaHome = path.join(dir, 'jdk');
    await mkdir(path.join(javaHome, 'lib/security'), { recursive: true });
    await run('sh', ['-c', keytool ?? ''], { cwd: dir, env: { ...process.env, JAVA_HOME: javaHome } });
    const alias = /-alias (\S+)/.exec(keytool ?? '')?.[1] ?? '';
    const listed = await run('keytool', ['-list', '-keystore', path.join(javaHome, 'lib/security/cacerts'), '-storepass', 'changeit', '-alias', alias]);
    expect(listed.stdout).toContain('trustedCertEntry');

    // Step: trust add --from, answered on stdin; it shows what it is about to trust first.
    const added = await runPrinted(trustAdd ?? '', runtime.env, { input: 'y\n' });
    expect(added.code).toBe(0);
    expect(added.stderr).toMatch(/Subject: +CN=localhost/);
    expect(added.stderr).toMatch(/Issuer: +CN=localhost \(self-signed\)/);
    expect(added.stderr).toMatch(/Valid: +from \d{4}-\d\d-\d\dT.* to \d{4}-/);
    expect(added.stderr).toContain('DNS:localhost');
    expect(added.stderr).toMatch(/SHA-256: +[0-9a-f]{64}/);

    // Now certs check trusts the managed truststore, and says so.
    const again = await runCli(['certs', 'check', target, '--servername', 'localhost', '--json'], runtime.env);
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ verdict: 'ok', trusted: true, anchorSource: 'managed-truststore' });
    const text = await runCli(['certs', 'check', target, '--servername', 'localhost'], runtime.env);
    expect(text.stdout).toContain('from the managed truststore');
  });

  it('names npx trustline in next steps when run through npx', async () => {
    const other = await selfSigned({ cn: 'npx.test', dns: ['localhost'] });
    const otherPeer = await tlsServer(other.keyPem, other.pem);
    peers.push(otherPeer);
    const env = { ...runtime.env, npm_command: 'exec' };
    const checked = await runCli(['certs', 'check', `localhost:${String(otherPeer.port)}`], env, { cwd: dir });
    const steps = printedCommands(checked.stdout, 'npx trustline');
    expect(steps).toHaveLength(2);
    const saved = await runPrinted(steps.find((s) => s.includes('--save-pem')) ?? '', env, { cwd: dir });
    expect(saved.stdout).toContain('is saved in');
  });

  it('without Trustline, says on stderr that the managed truststore was not consulted, and --ca-file is named as the anchor source', async () => {
    const env = { TRUSTLINE_URL: `http://127.0.0.1:${String(await closedPort())}`, TRUSTLINE_ADMIN_TOKEN: 'x'.repeat(20) };
    const alone = await runCli(['certs', 'check', `127.0.0.1:${String(peer.port)}`, '--servername', 'localhost', '--json'], env);
    expect(alone.stderr).toContain('the managed truststore was not consulted');
    const report = JSON.parse(alone.stdout) as CheckReport;
    expect(report).toMatchObject({ verdict: 'self-signed', anchorSource: null });
    expect(report.message).toContain("not in Node's root store.");
    const ca = path.join(dir, 'ca.pem');
    await writeFile(ca, server.pem);
    const withCa = await runCli(['certs', 'check', `127.0.0.1:${String(peer.port)}`, '--servername', 'localhost', '--ca-file', ca], env);
    expect(withCa.code).toBe(0);
    expect(withCa.stdout).toContain('from --ca-file');
    const json = await runCli(['certs', 'check', `127.0.0.1:${String(peer.port)}`, '--servername', 'localhost', '--ca-file', ca, '--json'], env);
    expect(JSON.parse(json.stdout)).toMatchObject({ verdict: 'ok', anchorSource: 'ca-file' });
  });

  it('an IMAP server checked as smtp-starttls: names what the server speaks and the --protocol to use, and that command works', async () => {
    const imap = await imapServer({ keyPem: server.keyPem, certPem: server.pem });
    peers.push(imap);
    const checked = await runCli(['certs', 'check', `127.0.0.1:${String(imap.port)}`, '--protocol', 'smtp-starttls', '--servername', 'localhost'], runtime.env);
    expect(checked.code).toBe(1);
    expect(checked.stdout).toContain('speaks IMAP, not SMTP');
    expect(checked.stdout).not.toContain('Enable STARTTLS');
    const [instead] = printedCommands(checked.stdout, 'trustline');
    expect(instead).toBe(`trustline certs check 127.0.0.1:${String(imap.port)} --protocol imap-starttls --servername localhost`);
    const rerun = await runPrinted(instead ?? '', runtime.env);
    expect(rerun.stdout).toContain('IMAP with STARTTLS');
    expect(rerun.code).toBe(0);
  });

  it('a STARTTLS mail server: the printed steps carry --protocol and --servername, and trust add --from then makes the check pass', async () => {
    const mailCert = await selfSigned({ cn: 'mail.localhost', dns: ['localhost'] });
    const imap = await imapServer({ keyPem: mailCert.keyPem, certPem: mailCert.pem });
    peers.push(imap);
    const target = `127.0.0.1:${String(imap.port)}`;
    const checked = await runCli(['certs', 'check', target, '--protocol', 'imap-starttls', '--servername', 'localhost'], runtime.env, { cwd: dir });
    expect(checked.code).toBe(1);
    const steps = printedCommands(checked.stdout, 'trustline');
    expect(steps).toEqual([
      expect.stringMatching(new RegExp(`^trustline certs check ${target} --protocol imap-starttls --servername localhost --save-pem \\S+\\.pem$`)) as unknown,
      `trustline trust add --from ${target} --protocol imap-starttls --servername localhost`,
    ]);
    const saved = await runPrinted(steps[0] ?? '', runtime.env, { cwd: dir });
    expect(saved.stdout).toContain('is saved in');
    expect((await runPrinted(steps[1] ?? '', runtime.env, { input: 'yes\n' })).code).toBe(0);
    const again = await runCli(['certs', 'check', target, '--protocol', 'imap-starttls', '--servername', 'localhost', '--json'], runtime.env);
    expect(JSON.parse(again.stdout)).toMatchObject({ verdict: 'ok', anchorSource: 'managed-truststore' });
  });

  it('an implicit-TLS check of a plain-text IMAP port names imap-starttls', async () => {
    const imap = await imapServer({ keyPem: server.keyPem, certPem: server.pem });
    peers.push(imap);
    const checked = await runCli(['certs', 'check', `127.0.0.1:${String(imap.port)}`, '--protocol', 'imaps', '--json'], runtime.env);
    expect(JSON.parse(checked.stdout)).toMatchObject({ verdict: 'tls-failed', error: { code: 'PROTOCOL_MISMATCH', protocol: 'imap-starttls' } });
  });
});

describe('certs check: failures in Java words, bad input is exit 2', () => {
  it('an unknown host is java.net.UnknownHostException', async () => {
    const checked = await runCli(['certs', 'check', 'no-such-host.invalid:443', '--json', '--timeout', '5']);
    expect(JSON.parse(checked.stdout)).toMatchObject({ verdict: 'connect-failed' });
    expect((JSON.parse(checked.stdout) as CheckReport).message).toContain('java.net.UnknownHostException: no-such-host.invalid');
  });

  it('a refused connection is java.net.ConnectException: Connection refused', async () => {
    const checked = await runCli(['certs', 'check', `127.0.0.1:${String(await closedPort())}`, '--json']);
    expect((JSON.parse(checked.stdout) as CheckReport).message).toContain('java.net.ConnectException: Connection refused');
  });

  it.each(['localhost:abc', 'localhost:0', 'localhost:70000', 'a:b:c'])('%s is bad input (exit 2)', async (target) => {
    const checked = await runCli(['certs', 'check', target]);
    expect(checked.code).toBe(2);
    expect(checked.stderr).toContain('is not HOST[:PORT]');
  });
});

/** `certs check` of the test peer trusted through nagios-ca.pem, warned 400 days ahead: its certificate counts as expiring. */
const checkExpiringWithin400Days = (output: '--nagios' | '--json') =>
  runCli([
    'certs',
    'check',
    `127.0.0.1:${String(peer.port)}`,
    '--servername',
    'localhost',
    '--ca-file',
    path.join(dir, 'nagios-ca.pem'),
    '--warn-days',
    '400',
    output,
  ]);

describe('certs check --nagios', () => {
  /** The status line, then the plugin's long output when the managed truststore could not be read. */
  const line = /^SSL_CERT (OK|WARNING|CRITICAL|UNKNOWN) - [^|\n]+( \| days=(\d+|U);\d+;;)?\n(Note: [^\n]+\n)?$/;

  it('OK and exit 0 for a trusted certificate, with days and the warning threshold as performance data', async () => {
    const ca = path.join(dir, 'nagios-ca.pem');
    await writeFile(ca, server.pem);
    const checked = await runCli(['certs', 'check', `127.0.0.1:${String(peer.port)}`, '--servername', 'localhost', '--ca-file', ca, '--nagios']);
    expect(checked.stdout).toMatch(line);
    expect(checked.stdout).toMatch(/^SSL_CERT OK - .* \| days=36[45];30;;\n(Note: .+ and --ca-file only\.\n)?$/);
    expect(checked.code).toBe(0);
  });

  it('WARNING and exit 1 when the certificate expires within --warn-days', async () => {
    const checked = await checkExpiringWithin400Days('--nagios');
    expect(checked.stdout).toMatch(/^SSL_CERT WARNING - .*expiring.* \| days=\d+;400;;\n(Note: .+\n)?$/);
    expect(checked.code).toBe(1);
  });

  it('CRITICAL and exit 2 for a failed verdict', async () => {
    const env = { TRUSTLINE_URL: `http://127.0.0.1:${String(await closedPort())}`, TRUSTLINE_ADMIN_TOKEN: 'x'.repeat(20) };
    const checked = await runCli(['certs', 'check', `127.0.0.1:${String(peer.port)}`, '--servername', 'localhost', '--nagios'], env);
    // Trustline is not running, so the managed truststore could not be read: said as long output, on stdout, where the monitoring system looks.
    expect(checked.stdout).toMatch(
      /^SSL_CERT CRITICAL - 127\.0\.0\.1:\d+ self-signed: .* \| days=\d+;30;;\nNote: the managed truststore was not consulted \(.+\); this check trusts Node's root store only\.\n$/,
    );
    expect(checked.stderr).toBe('');
    expect(checked.code).toBe(2);
  });

  it('UNKNOWN and exit 3 for bad input', async () => {
    for (const args of [['localhost:abc'], ['localhost', '--protocol', 'gopher']]) {
      const checked = await runCli(['certs', 'check', ...args, '--nagios']);
      expect(checked.stdout).toMatch(/^SSL_CERT UNKNOWN - .+\n$/);
      expect(checked.code).toBe(3);
    }
  });
});

describe('certs check exit codes', () => {
  it('expiring exits 1 so a script notices the warning', async () => {
    const checked = await checkExpiringWithin400Days('--json');
    expect(JSON.parse(checked.stdout)).toMatchObject({ verdict: 'expiring' });
    expect(checked.code).toBe(1);
  });
});
