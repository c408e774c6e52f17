import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selfSigned, type Issued } from '../support/tls/pki.ts';
import { startRuntime } from '../support/tls/runtime.ts';
import { type Running, tlsServer } from '../support/tls/servers.ts';
import { runCli, runPrinted } from './run-cli.ts';

let runtime: Awaited<ReturnType<typeof startRuntime>>;
let dir: string;
let server: Issued;
let peer: Running;

beforeAll(async () => {
  runtime = await startRuntime(['endpoints', 'trust']);
  dir = await mkdtemp(path.join(tmpdir(), 'trustline-verbs-'));
  server = await selfSigned({ cn: 'localhost', dns: ['localhost'] });
  peer = await tlsServer(server.keyPem, server.pem);
});
afterAll(async () => {
  await peer.close();
  await runtime.stop();
  await rm(dir, { recursive: true, force: true });
});

describe('trustline endpoints', () => {
  it('add prints the check command, which runs as printed; list, show, check and remove work by HOST:PORT', async () => {
    const target = `localhost:${String(peer.port)}`;
    const added = await runCli(['endpoints', 'add', target, '--warn-days', '10'], runtime.env);
    expect(added.code).toBe(0);
    const step = added.stdout
      .split('\n')
      .map((l) => l.trim())
      .find((l) => l.startsWith('trustline '));
    expect(step).toBe(`trustline endpoints check ${target}`);
    const checked = await runPrinted(step ?? '', runtime.env);
    expect(checked.code).toBe(1);
    expect(checked.stdout).toContain('Verdict: self-signed (NOT TRUSTED)');
    expect(checked.stdout).toContain(`trustline trust add --from ${target}`);

    const listed = await runCli(['endpoints', 'list'], runtime.env);
    expect(listed.stdout).toMatch(/^TARGET +PROTOCOL +VERDICT +DAYS +CHECKED \(UTC\) +ID$/m);
    expect(listed.stdout).toMatch(new RegExp(`^${target} +https +self-signed +\\d+ `, 'm'));
    const shown = await runCli(['endpoints', 'show', target, '--json'], runtime.env);
    expect(JSON.parse(shown.stdout)).toMatchObject({ host: 'localhost', port: peer.port, warnDays: 10, lastResult: { verdict: 'self-signed' } });

    expect((await runCli(['endpoints', 'remove', target], runtime.env)).code).toBe(0);
    const again = await runCli(['endpoints', 'remove', target], runtime.env);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain(`No certificate endpoint matches "${target}"`);
  });

  it('a name that matches no endpoint is bad input (exit 2, never the failed check of exit 1), said plainly with how to list them', async () => {
    for (const verb of ['remove', 'show', 'check']) {
      const answer = await runCli(['endpoints', verb, 'nonexistent'], runtime.env);
      expect(answer.code).toBe(2);
      expect(answer.stderr).toContain('Error: No certificate endpoint matches "nonexistent" (an ID or HOST:PORT).');
      expect(answer.stderr).toContain('Fix: list them with: trustline endpoints list');
    }
    const json = await runCli(['endpoints', 'remove', 'nonexistent', '--json'], runtime.env);
    expect(JSON.parse(json.stdout)).toEqual({
      error: {
        code: 'ENDPOINT_NOT_FOUND',
        message: 'No certificate endpoint matches "nonexistent" (an ID or HOST:PORT).',
        fix: 'list them with: trustline endpoints list',
      },
    });
  });

  it('bad input is exit 2, a value the API refuses named by its flag', async () => {
    expect((await runCli(['endpoints', 'add', 'localhost:abc'], runtime.env)).code).toBe(2);
    const refused = await runCli(['endpoints', 'add', 'localhost', '--servername', 'not a name!'], runtime.env);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('--servername: must be a host name or an IP address');
  });
});

describe('trustline trust remove and export', () => {
  it('remove takes a unique 8-hex prefix, the colon form or the alias; nothing removed exits 1', async () => {
    const a = await selfSigned({ cn: 'prefix a' });
    const b = await selfSigned({ cn: 'prefix b' });
    const file = path.join(dir, 'ab.pem');
    await writeFile(file, a.pem + b.pem);
    const added = JSON.parse((await runCli(['trust', 'add', '--file', file, '--json'], runtime.env)).stdout) as {
      added: { fingerprintSha256: string; alias: string }[];
    };
    const [first, second] = added.added;
    const colon = (first?.fingerprintSha256.slice(0, 12).match(/../g) ?? []).join(':').toUpperCase();
    const byPrefix = await runCli(['trust', 'remove', colon], runtime.env);
    expect(byPrefix.code).toBe(0);
    expect(byPrefix.stdout).toContain(first?.fingerprintSha256 ?? 'x');
    expect((await runCli(['trust', 'remove', second?.alias ?? ''], runtime.env)).code).toBe(0);
    const nothing = await runCli(['trust', 'remove', 'deadbeefdeadbeef'], runtime.env);
    expect(nothing.code).toBe(1);
    expect(nothing.stderr).toContain('nothing was removed');
    expect((await runCli(['trust', 'remove', 'abc'], runtime.env)).code).toBe(2);
  });

  it('export --out - writes to stdout; an existing file needs --force', async () => {
    await runCli(['trust', 'add', '--file', path.join(dir, 'ab.pem')], runtime.env);
    const stdout = await runCli(['trust', 'export', '--format', 'pem', '--out', '-'], runtime.env);
    expect(stdout.code).toBe(0);
    expect(stdout.stdout.match(/-----BEGIN CERTIFICATE-----/g)).toHaveLength(2);
    const out = path.join(dir, 'exists.pem');
    await writeFile(out, 'keep me');
    const refused = await runCli(['trust', 'export', '--format', 'pem', '--out', out], runtime.env);
    expect(refused.code).toBe(2);
    expect(await readFile(out, 'utf8')).toBe('keep me');
    expect((await runCli(['trust', 'export', '--format', 'pem', '--out', out, '--force'], runtime.env)).code).toBe(0);
    expect(await readFile(out, 'utf8')).toContain('BEGIN CERTIFICATE');
  });
});

describe('every command takes --json; the terminal niceties stay out of pipes', () => {
  it('jwt canonical and qsh print one JSON document', async () => {
    const canonical = await runCli(['jwt', 'canonical', '--method', 'GET', '--url', '/a?b=1', '--json']);
    expect(JSON.parse(canonical.stdout)).toEqual({ canonicalRequest: 'GET&/a&b=1' });
    const qsh = await runCli(['jwt', 'qsh', '--method', 'GET', '--url', '/a?b=1', '--json']);
    expect(JSON.parse(qsh.stdout)).toMatchObject({ qsh: expect.stringMatching(/^[0-9a-f]{64}$/) as unknown });
  });

  it('no colour in a pipe or with NO_COLOR; colour with FORCE_COLOR, never in --json', async () => {
    const target = ['certs', 'check', `localhost:${String(peer.port)}`];
    // eslint-disable-next-line no-control-regex
    const ansi = /\u001b\[/;
    expect((await runCli(target, runtime.env)).stdout).not.toMatch(ansi);
    expect((await runCli(target, { ...runtime.env, FORCE_COLOR: '1', NO_COLOR: '1' })).stdout).not.toMatch(ansi);
    expect((await runCli(target, { ...runtime.env, FORCE_COLOR: '1' })).stdout).toMatch(ansi);
    expect((await runCli([...target, '--json'], { ...runtime.env, FORCE_COLOR: '1' })).stdout).not.toMatch(ansi);
  });

  it('completion bash completes commands, subcommands, options and option values', async () => {
    const script = (await runCli(['completion', 'bash'])).stdout;
    const complete = (words: string[]) =>
      new Promise<string>((resolve, reject) => {
        const line = `${script}\nCOMP_WORDS=(${words.map((w) => `'${w}'`).join(' ')}); COMP_CWORD=${String(words.length - 1)}; _trustline; printf '%s\\n' "\${COMPREPLY[@]}"`;
        execFile('bash', ['-c', line], (error: Error | null, stdout) => {
          if (error !== null) reject(error);
          else resolve(stdout);
        });
      });
    expect((await complete(['trustline', 'end'])).trim()).toBe('endpoints');
    expect((await complete(['trustline', 'endpoints', ''])).split('\n')).toEqual(expect.arrayContaining(['add', 'list', 'show', 'check', 'remove']));
    expect((await complete(['trustline', 'certs', 'check', 'host', '--sa'])).trim()).toBe('--save-pem');
    expect((await complete(['trustline', 'certs', 'check', '--protocol', 'imap'])).split('\n')).toEqual(expect.arrayContaining(['imaps', 'imap-starttls']));
    for (const shell of ['zsh', 'fish']) expect((await runCli(['completion', shell])).stdout).toContain('trustline');
  });
});
