import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './run-cli.ts';

/** The KB's vhost (seed 002), as an admin has it before the fix. */
const KB_VHOST = `<VirtualHost *:80>
    ServerName confluence.example.com
    ProxyPreserveHost On
    ProxyPass / http://localhost:8090/
    ProxyPassReverse / http://localhost:8090/
</VirtualHost>
`;

describe('trustline jwt proxy-check', () => {
  let dir: string;
  const write = async (name: string, text: string) => {
    const file = path.join(dir, name);
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, text);
    return file;
  };

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'trustline-proxy-check-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("flags the KB's vhost: exit 1, the ProxyPass line, and nocanon as the fix", async () => {
    const file = await write('kb.conf', KB_VHOST);
    const run = await runCli(['jwt', 'proxy-check', file]);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain(`${file}:4: ProxyPass / http://localhost:8090/`);
    expect(run.stdout).toContain('fix: Add "nocanon" at the end of the line: "ProxyPass / http://localhost:8090/ nocanon"');
  });

  it('passes the fixed vhost with exit 0 and notes the 404 Apache answers on %2F', async () => {
    const file = await write('kb-fixed.conf', KB_VHOST.replace('ProxyPass / http://localhost:8090/\n', 'ProxyPass / http://localhost:8090/ nocanon\n'));
    const run = await runCli(['jwt', 'proxy-check', file]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^Apache httpd: nothing here changes the request URL/);
    expect(run.stdout).toMatch(/note: .*kb-fixed\.conf:1: <VirtualHost \*:80>[\s\S]*AllowEncodedSlashes NoDecode/);
  });

  it('--json prints {kind, findings: [{file, line, directive, problem, fix}]} and nothing else', async () => {
    const file = await write('kb-json.conf', KB_VHOST);
    const run = await runCli(['jwt', 'proxy-check', file, '--json']);
    expect(run.code).toBe(1);
    const document = JSON.parse(run.stdout) as { kind: string; findings: Record<string, unknown>[]; notes: unknown[] };
    expect(document.kind).toBe('apache');
    expect(document.findings).toEqual([
      {
        file,
        line: 4,
        directive: 'ProxyPass / http://localhost:8090/',
        problem: expect.stringContaining('without "nocanon"') as string,
        fix: expect.stringContaining('"ProxyPass / http://localhost:8090/ nocanon"') as string,
        change: { action: 'replace', lines: ['ProxyPass / http://localhost:8090/ nocanon'] },
      },
    ]);
    expect(document.notes).toHaveLength(1);
  });

  it('detects nginx and follows a glob include relative to the file', async () => {
    await write('nginx/sites/app.conf', 'server {\n  listen 8080;\n  location / {\n    proxy_pass http://127.0.0.1:3000/;\n  }\n}\n');
    await write('nginx/sites/other.conf', 'server {\n  listen 8081;\n  location / { proxy_pass http://127.0.0.1:3001; }\n}\n');
    const main = await write('nginx/nginx.conf', 'events {}\nhttp {\n  include sites/*.conf;\n}\n');
    const run = await runCli(['jwt', 'proxy-check', main, '--json']);
    expect(run.code).toBe(1);
    expect(JSON.parse(run.stdout)).toMatchObject({
      kind: 'nginx',
      findings: [
        {
          file: path.join(dir, 'nginx/sites/app.conf'),
          line: 4,
          directive: 'proxy_pass http://127.0.0.1:3000/',
          fix: expect.stringContaining('"proxy_pass http://127.0.0.1:3000;"') as string,
        },
      ],
    });
  });

  it('exits 0 for nginx proxying the request line untouched', async () => {
    const file = await write('nginx-ok.conf', 'server {\n  listen 8080;\n  location / {\n    proxy_pass http://127.0.0.1:3000;\n  }\n}\n');
    const run = await runCli(['jwt', 'proxy-check', file]);
    expect([run.code, run.stdout]).toEqual([0, expect.stringMatching(/^nginx: nothing here changes the request URL/) as string]);
  });

  it('exits 2 with CONFIG_UNREADABLE for a file that does not exist', async () => {
    const run = await runCli(['jwt', 'proxy-check', path.join(dir, 'missing.conf'), '--json']);
    expect(run.code).toBe(2);
    expect(JSON.parse(run.stdout)).toMatchObject({ error: { code: 'CONFIG_UNREADABLE' } });
  });

  it('exits 2 with CONFIG_KIND_UNKNOWN when the file is neither, and says to pass --kind', async () => {
    const file = await write('notes.txt', 'just some words\n');
    const run = await runCli(['jwt', 'proxy-check', file]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/Cannot tell whether .* Apache httpd or an nginx[\s\S]*--kind apache/);
  });

  it('exits 2 for a --kind that is neither apache nor nginx', async () => {
    const file = await write('kind.conf', KB_VHOST);
    const run = await runCli(['jwt', 'proxy-check', file, '--kind', 'caddy']);
    expect(run.code).toBe(2);
  });

  it('exits 2 with CONFIG_SYNTAX for a section that is never closed', async () => {
    const file = await write('broken.conf', '<VirtualHost *:80>\n  ProxyPass / http://localhost:8090/ nocanon\n');
    const run = await runCli(['jwt', 'proxy-check', file, '--json']);
    expect([run.code, JSON.parse(run.stdout)]).toMatchObject([
      2,
      { error: { code: 'CONFIG_SYNTAX', message: expect.stringContaining(':1: <VirtualHost> is never closed') as string } },
    ]);
  });
});
