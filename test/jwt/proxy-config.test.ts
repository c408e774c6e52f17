import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { detectKind } from '../../lib/jwt/proxy-config/detect.ts';
import { checkPastedProxyConfig, checkProxyConfig, ProxyConfigError } from '../../lib/jwt/proxy-config/index.ts';

describe('proxy configuration rules', () => {
  let dir: string;
  let count = 0;
  /** Writes `text` to a fresh file (or to `name`) and checks it. */
  const check = async (text: string, kind?: 'apache' | 'nginx', name = `c${++count}.conf`) => {
    const file = path.join(dir, name);
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, text);
    return checkProxyConfig(file, kind === undefined ? {} : { kind });
  };
  const settings = async (text: string, kind?: 'apache' | 'nginx') => (await check(text, kind)).findings.map((f) => [f.setting, f.line]);

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'trustline-proxy-config-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  describe('Apache httpd', () => {
    it('flags ProxyPass and ProxyPassMatch without nocanon, not with it, and not an exclusion', async () => {
      const text = [
        'ProxyPass /static !',
        'ProxyPass /a http://b/a',
        'ProxyPassMatch ^/c(.*)$ http://b/c$1',
        'ProxyPass /d http://b/d nocanon',
        '<Location /e>',
        '  ProxyPass http://b/e',
        '</Location>',
      ].join('\n');
      expect(await settings(text, 'apache')).toEqual([
        ['apache/proxypass-canon', 2],
        ['apache/proxypass-canon', 3],
        ['apache/proxypass-canon', 6],
      ]);
    });

    it('flags a proxying RewriteRule without NE, or with NE on $1, but not one that forwards THE_REQUEST or redirects', async () => {
      const text = [
        'RewriteEngine On',
        'RewriteRule ^/a/(.*)$ http://b/$1 [P]',
        'RewriteRule ^/b/(.*)$ http://b/$1 [proxy,noescape]',
        'RewriteCond %{THE_REQUEST} "^\\S+ (/[^? ]*)"',
        'RewriteRule ^ http://b%1 [P,NE]',
        'RewriteRule ^/old/(.*)$ /new/$1 [R=301,L]',
      ].join('\n');
      expect(await settings(text, 'apache')).toEqual([
        ['apache/rewrite-proxy', 2],
        ['apache/rewrite-proxy-noescape', 3],
      ]);
    });

    it('flags AllowEncodedSlashes On only where the path is re-encoded', async () => {
      expect(await settings('AllowEncodedSlashes On\nProxyPass / http://b/', 'apache')).toEqual([
        ['apache/proxypass-canon', 2],
        ['apache/encoded-slashes-on', 1],
      ]);
      expect(await settings('AllowEncodedSlashes On\nProxyPass / http://b/ nocanon', 'apache')).toEqual([]);
    });

    it('notes the default AllowEncodedSlashes Off per proxying virtual host, and not NoDecode', async () => {
      const report = await check(
        [
          '<VirtualHost *:80>',
          '  ProxyPass / http://b/ nocanon',
          '</VirtualHost>',
          '<VirtualHost *:81>',
          '  AllowEncodedSlashes NoDecode',
          '  ProxyPass / http://b/ nocanon',
          '</VirtualHost>',
        ].join('\n'),
      );
      expect(report.notes.map((n) => [n.setting, n.line])).toEqual([['apache/encoded-slashes-off', 1]]);
    });

    it("refuses the KB's vhost flattened onto one line instead of passing it", async () => {
      const flattened =
        '<VirtualHost *:80> ServerName confluence.example.com ProxyPass / http://localhost:8090/ ProxyPassReverse / http://localhost:8090/ </VirtualHost>';
      await expect(check(flattened, 'apache')).rejects.toMatchObject({
        code: 'CONFIG_SYNTAX',
        message: expect.stringContaining(':1: a section tag must stand alone') as string,
      });
    });

    it('reports the first line of a directive continued with backslashes', async () => {
      expect(await settings('# a comment\nProxyPass / \\\n    http://b/\n', 'apache')).toEqual([['apache/proxypass-canon', 2]]);
    });

    it('skips a missing IncludeOptional and refuses a missing Include', async () => {
      expect(await settings('IncludeOptional conf.d/none.conf\nProxyPass / http://b/ nocanon', 'apache')).toEqual([]);
      await expect(check('Include conf.d/none.conf', 'apache')).rejects.toMatchObject({ code: 'CONFIG_UNREADABLE' });
    });

    it('refuses an include cycle instead of looping', async () => {
      const cycle = check('Include self.conf\nProxyPass / http://b/', 'apache', 'self.conf');
      await expect(cycle).rejects.toBeInstanceOf(ProxyConfigError);
      await expect(cycle).rejects.toMatchObject({ code: 'CONFIG_SYNTAX', message: expect.stringMatching(/include cycle/) as string });
    });
  });

  describe('the fix, written from the flagged directive', () => {
    const changes = async (text: string, kind: 'apache' | 'nginx') => {
      const report = await check(text, kind);
      return [...report.findings, ...report.notes].map((f) => ({
        line: f.line,
        ...f.change,
        quotedInFix: f.change.lines.every((l) => f.fix.includes(`"${l}"`)),
      }));
    };

    it("keeps the KB's own backend when adding nocanon, not Trustline's address", async () => {
      const text = ['<VirtualHost *:80>', '    ProxyPass / http://localhost:8090/', '    ProxyPassReverse / http://localhost:8090/', '</VirtualHost>'].join(
        '\n',
      );
      expect(await changes(text, 'apache')).toEqual([
        { line: 2, action: 'replace', lines: ['ProxyPass / http://localhost:8090/ nocanon'], quotedInFix: true },
        { line: 1, action: 'insert-after', lines: ['AllowEncodedSlashes NoDecode'], quotedInFix: true },
      ]);
    });

    it('rewrites a proxying RewriteRule to the raw request line, keeping its pattern and backend', async () => {
      const text = ['RewriteEngine On', 'RewriteRule ^/jira/(.*)$ http://jira.internal:8080/jira/$1 [P]', 'AllowEncodedSlashes On'].join('\n');
      expect(await changes(text, 'apache')).toEqual([
        {
          line: 2,
          action: 'replace',
          lines: ['RewriteCond %{THE_REQUEST} "^\\S+ (/[^? ]*)"', 'RewriteRule ^/jira/(.*)$ http://jira.internal:8080%1 [P,NE]'],
          quotedInFix: true,
        },
        { line: 3, action: 'replace', lines: ['AllowEncodedSlashes NoDecode'], quotedInFix: true },
      ]);
    });

    it("drops nginx's URI part keeping the upstream, and says when the location's prefix then reaches the app", async () => {
      const text = ['server {', '  location / { proxy_pass http://127.0.0.1:8090/; }', '  location /app/ { proxy_pass http://app:9000/; }', '}'].join('\n');
      const report = await check(text, 'nginx');
      expect(report.findings.map((f) => [f.line, f.change.lines])).toEqual([
        [2, ['proxy_pass http://127.0.0.1:8090;']],
        [3, ['proxy_pass http://app:9000;']],
      ]);
      expect(report.findings[0]?.fix).not.toContain('context path');
      expect(report.findings[1]?.fix).toContain('paths starting with "/app/" instead of "/"');
    });

    it('deletes an nginx rewrite, naming the proxy_pass that would keep the raw URI, and adds proxy_cache_convert_head', async () => {
      const text = ['server {', '  location /y { rewrite ^/y/(.*)$ /$1 break; proxy_cache c; proxy_pass http://up:81; }', '}'].join('\n');
      const report = await check(text, 'nginx');
      expect(report.findings.map((f) => f.change)).toEqual([
        { action: 'replace', lines: [] },
        { action: 'insert-after', lines: ['proxy_cache_convert_head off;'] },
      ]);
      expect(report.findings[0]?.fix).toContain('"proxy_pass http://up:81$request_uri;"');
    });
  });

  describe('nginx', () => {
    it('flags proxy_pass with a URI part, but not without one, with $request_uri, or with a variable host', async () => {
      const text = [
        'server {',
        '  location /a/ { proxy_pass http://b/a/; }',
        '  location /b { proxy_pass http://b; }',
        '  location /c { proxy_pass http://b$request_uri; }',
        '  location /d { proxy_pass http://$backend; }',
        '  location /e { proxy_pass http://unix:/run/app.sock:/e; }',
        '  location /f { proxy_pass http://unix:/run/app.sock; }',
        '}',
      ].join('\n');
      expect(await settings(text, 'nginx')).toEqual([
        ['nginx/proxy-pass-uri', 2],
        ['nginx/proxy-pass-uri', 6],
      ]);
    });

    it('flags a rewrite (server or location level) before a proxy_pass, once, and not a redirect', async () => {
      const text = [
        'server {',
        '  rewrite ^/app/(.*)$ /$1 last;',
        '  rewrite ^/old$ https://example.com/new permanent;',
        '  location /x { proxy_pass http://b; }',
        '  location /y { rewrite ^/y/(.*)$ /$1 break; proxy_pass http://b; }',
        '  location /z { rewrite ^ /z2 break; proxy_pass http://b$request_uri; }',
        '}',
      ].join('\n');
      expect(await settings(text, 'nginx')).toEqual([
        ['nginx/rewrite', 2],
        ['nginx/rewrite', 5],
      ]);
    });

    it('flags proxy_cache unless proxy_cache_convert_head is off in its scope', async () => {
      const text = [
        'server {',
        '  location /a { proxy_cache c; proxy_pass http://b; }',
        '  location /b { proxy_cache c; proxy_cache_convert_head off; proxy_pass http://b; }',
        '}',
      ].join('\n');
      expect(await settings(text, 'nginx')).toEqual([['nginx/proxy-cache-head', 2]]);
    });

    it('reads quotes, comments and ${var} without taking them for blocks', async () => {
      const text = 'server {\n  # proxy_pass http://b/;\n  set $x "a;b{";\n  location / { proxy_pass "http://b/${x}"; }\n}\n';
      expect(await settings(text, 'nginx')).toEqual([['nginx/proxy-pass-uri', 4]]);
    });

    it('refuses a block that is never closed, naming its line', async () => {
      await expect(check('server {\n  location / {\n    proxy_pass http://b;\n  }\n', 'nginx')).rejects.toMatchObject({ code: 'CONFIG_SYNTAX' });
    });
  });

  describe('a pasted configuration (the console)', () => {
    it('is checked like a file, its includes skipped', async () => {
      const report = await checkPastedProxyConfig('Include conf.d/*.conf\n<VirtualHost *:80>\n  ProxyPass / http://localhost:8090/\n</VirtualHost>\n');
      expect(report.kind).toBe('apache');
      expect(report.findings.map((f) => [f.file, f.line, f.setting])).toEqual([['pasted configuration', 3, 'apache/proxypass-canon']]);
    });
  });

  describe('kind detection', () => {
    it('tells Apache from nginx by what only each writes', () => {
      expect(detectKind('<VirtualHost *:80>\n  ProxyPass / http://b/\n</VirtualHost>\n')).toBe('apache');
      expect(detectKind('server {\n  listen 80;\n  location / { proxy_pass http://b; }\n}\n')).toBe('nginx');
      expect(detectKind('# ProxyPass / http://b/\nhello\n')).toBeUndefined();
    });
  });
});
