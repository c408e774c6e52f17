import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../infra/local/functions.ts';
import { CAUSES, type SettingId } from '../../lib/jwt/diagnosis/catalogue.ts';
import { checkProxyConfig, type ProxyCheckReport, type ProxyFinding } from '../../lib/jwt/proxy-config/index.ts';
import { requestToken, SHARED_SECRET } from '../jwt/support/tokens.ts';
import { rawHttp } from '../support/raw-http.ts';
import { type ProbeAnswer, type ProbeBackend, startProbeBackend } from './fixtures/probe-backend.ts';
import { type ApacheSetup, type NginxSetup, proxyBinaries, type ProxySetup, type RunningProxy, startProxy } from './fixtures/proxies.ts';

/**
 * Seed 002 on the real servers: Connect-signed requests (qsh of the ORIGINAL URL) go through
 * Debian's Apache httpd and nginx, configured each way an admin might, to a backend that
 * validates them with Trustline's verifier. Every failure must be explained by the diagnosis
 * (or, for a URL the proxy refuses itself, by proxy-check) in terms of a setting the
 * configuration really has, and the fix it names, applied, must make the same request pass.
 * proxy-check must flag exactly the configurations that break something.
 */

const CORPUS = [
  { id: 'kb', url: '/download/attachments/123/file%20name%2B%28v2%29.pdf', what: "the KB's attachment" },
  { id: 'sub-delims', url: '/rest/api/2/issue/%7Efoo%21bar%27baz%2C%3B%5Bx%5D', what: 'escaped unreserved, sub-delimiters, brackets' },
  { id: 'literal', url: "/wiki/~admin/a-b_c.d!$'()*,;=:@", what: 'the same characters literal' },
  { id: 'slash', url: '/path/a%2Fb', what: 'an encoded slash' },
  { id: 'utf8', url: '/wiki/caf%C3%A9', what: 'non-ASCII, upper-case escapes' },
  { id: 'utf8-lower', url: '/wiki/caf%c3%a9', what: 'non-ASCII, lower-case escapes' },
  { id: 'percent', url: '/p/100%25', what: 'an escaped %' },
  { id: 'doubled', url: '/a//b', what: 'a doubled slash' },
  { id: 'dots', url: '/a/./b/../c', what: 'dot segments' },
  { id: 'both', url: '/a//b/./c/../d?q=a%20b', what: 'both, with a query' },
  { id: 'plus', url: '/search?q=a+b&r=a%20b&jql=project%20%3D%20T', what: '+ and %20 in the query' },
  { id: 'repeated', url: '/list?ids=1&ids=2&ids=10', what: 'repeated parameters' },
] as const;

type Config = { readonly id: string; readonly what: string; readonly setup: ProxySetup };

const apache = (setup: Omit<ApacheSetup, 'kind'>): ApacheSetup => ({ kind: 'apache', ...setup });
const nginx = (setup: Omit<NginxSetup, 'kind'>): NginxSetup => ({ kind: 'nginx', ...setup });

const CONFIGS: readonly Config[] = [
  { id: 'A1', what: 'ProxyPass (the KB)', setup: apache({ proxy: 'proxypass' }) },
  { id: 'A2', what: 'ProxyPass nocanon (the KB fix)', setup: apache({ proxy: 'proxypass-nocanon' }) },
  { id: 'A3', what: 'ProxyPass, AllowEncodedSlashes On', setup: apache({ proxy: 'proxypass', encodedSlashes: 'On' }) },
  { id: 'A4', what: 'ProxyPass, AllowEncodedSlashes NoDecode', setup: apache({ proxy: 'proxypass', encodedSlashes: 'NoDecode' }) },
  { id: 'A5', what: 'ProxyPass nocanon, AllowEncodedSlashes On', setup: apache({ proxy: 'proxypass-nocanon', encodedSlashes: 'On' }) },
  { id: 'A6', what: 'ProxyPass nocanon, AllowEncodedSlashes NoDecode', setup: apache({ proxy: 'proxypass-nocanon', encodedSlashes: 'NoDecode' }) },
  { id: 'A7', what: 'RewriteRule ^/(.*)$ http://app/$1 [P]', setup: apache({ proxy: 'rewrite' }) },
  { id: 'A8', what: 'RewriteRule ^/(.*)$ http://app/$1 [P,NE]', setup: apache({ proxy: 'rewrite-ne' }) },
  {
    id: 'A9',
    what: 'RewriteRule from %{THE_REQUEST} [P,NE], AllowEncodedSlashes NoDecode',
    setup: apache({ proxy: 'rewrite-request-line', encodedSlashes: 'NoDecode' }),
  },
  { id: 'N1', what: 'proxy_pass http://app;', setup: nginx({ uriPart: false, mergeSlashes: true, rewrite: false }) },
  { id: 'N2', what: 'proxy_pass http://app; merge_slashes off', setup: nginx({ uriPart: false, mergeSlashes: false, rewrite: false }) },
  { id: 'N3', what: 'proxy_pass http://app/; (URI part)', setup: nginx({ uriPart: true, mergeSlashes: true, rewrite: false }) },
  { id: 'N4', what: 'proxy_pass http://app/; merge_slashes off', setup: nginx({ uriPart: true, mergeSlashes: false, rewrite: false }) },
  { id: 'N5', what: 'rewrite ^/(.*)$ /$1 break; proxy_pass http://app;', setup: nginx({ uriPart: false, mergeSlashes: true, rewrite: true }) },
  { id: 'N6', what: 'rewrite, merge_slashes off', setup: nginx({ uriPart: false, mergeSlashes: false, rewrite: true }) },
];

/** Each catalogue fix as the test applies it, and the words of the fix that say so. */
const FIXES: Readonly<Record<SettingId, { says: string; apply: (setup: ProxySetup) => ProxySetup }>> = {
  'apache/proxypass-canon': { says: 'nocanon', apply: (s) => ({ ...s, proxy: 'proxypass-nocanon' }) as ProxySetup },
  'apache/rewrite-proxy': { says: 'RewriteCond %{THE_REQUEST}', apply: (s) => ({ ...s, proxy: 'rewrite-request-line' }) as ProxySetup },
  'apache/rewrite-proxy-noescape': { says: 'RewriteCond %{THE_REQUEST}', apply: (s) => ({ ...s, proxy: 'rewrite-request-line' }) as ProxySetup },
  'apache/encoded-slashes-on': { says: 'AllowEncodedSlashes NoDecode', apply: (s) => ({ ...s, encodedSlashes: 'NoDecode' }) as ProxySetup },
  'apache/encoded-slashes-off': { says: 'AllowEncodedSlashes NoDecode', apply: (s) => ({ ...s, encodedSlashes: 'NoDecode' }) as ProxySetup },
  'nginx/proxy-pass-uri': { says: 'Drop the URI part', apply: (s) => ({ ...s, uriPart: false }) as ProxySetup },
  'nginx/rewrite': { says: 'Remove the rewrite', apply: (s) => ({ ...s, rewrite: false }) as ProxySetup },
  'nginx/proxy-cache-head': { says: 'proxy_cache_convert_head off', apply: (s) => s },
};

/** What the setup really has, read from the setup itself (not from proxy-check). */
function settingsOf(setup: ProxySetup): { findings: SettingId[]; notes: SettingId[] } {
  if (setup.kind === 'nginx')
    return { findings: [...(setup.uriPart ? ['nginx/proxy-pass-uri' as const] : []), ...(setup.rewrite ? ['nginx/rewrite' as const] : [])], notes: [] };
  const proxy =
    (
      { proxypass: ['apache/proxypass-canon'], rewrite: ['apache/rewrite-proxy'], 'rewrite-ne': ['apache/rewrite-proxy-noescape'] } as Record<
        string,
        SettingId[]
      >
    )[setup.proxy] ?? [];
  const slashes: SettingId[] = setup.encodedSlashes === 'On' && proxy.length > 0 ? ['apache/encoded-slashes-on'] : [];
  const notes: SettingId[] = (setup.encodedSlashes ?? 'Off') === 'Off' ? ['apache/encoded-slashes-off'] : [];
  return { findings: [...proxy, ...slashes], notes };
}

type Outcome = { readonly kind: 'valid' } | { readonly kind: 'mismatch'; readonly answer: ProbeAnswer } | { readonly kind: 'refused'; readonly status: number };

describe('the system tier without Apache httpd or nginx', () => {
  it('fails loudly and names `npm run setup:system` instead of skipping', () => {
    expect(() => proxyBinaries({ apache: '/nonexistent/apache2', nginx: '/nonexistent/nginx' })).toThrow(
      /apache2 and nginx are not installed.*npm run setup:system/,
    );
  });
});

describe('Connect JWTs through real Apache httpd and nginx', () => {
  let backend: ProbeBackend;
  const running = new Map<string, Promise<RunningProxy>>();
  const matrix = new Map<string, Map<string, string>>();

  beforeAll(async () => {
    proxyBinaries();
    backend = await startProbeBackend(SHARED_SECRET);
  });
  afterAll(async () => {
    for (const proxy of running.values()) await (await proxy.catch(() => undefined))?.close();
    // beforeAll may have failed before the backend started (a proxy missing).
    await (backend as ProbeBackend | undefined)?.close();
  });

  /** One proxy per distinct setup, started on first use (fixed setups often equal another row's). */
  function proxyFor(setup: ProxySetup): Promise<RunningProxy> {
    const key = JSON.stringify(setup);
    let proxy = running.get(key);
    if (proxy === undefined) {
      proxy = startProxy(setup, backend.address);
      running.set(key, proxy);
    }
    return proxy;
  }

  async function send(proxy: RunningProxy, url: string): Promise<Outcome> {
    const token = await requestToken('GET', url, Date.now());
    const response = await rawHttp(proxy.url, { path: url, headers: { authorization: `JWT ${token}` } });
    if (response.status !== 200 || !String(response.headers['content-type']).startsWith('application/json'))
      return { kind: 'refused', status: response.status };
    const answer = response.json() as ProbeAnswer;
    return answer.document.valid ? { kind: 'valid' } : { kind: 'mismatch', answer };
  }

  it.each(CONFIGS)('$id $what: every failure is diagnosed with a setting it has, and that fix makes the request pass', async ({ id, setup }) => {
    const proxy = await proxyFor(setup);
    const report: ProxyCheckReport = await checkProxyConfig(proxy.configFile);
    const has = settingsOf(setup);
    expect(report.findings.map((f) => f.setting).sort()).toEqual([...has.findings].sort());
    expect(report.notes.map((n) => n.setting)).toEqual(has.notes);

    const row = new Map<string, string>();
    matrix.set(id, row);
    for (const request of CORPUS) {
      const outcome = await send(proxy, request.url);
      if (outcome.kind === 'valid') {
        row.set(request.id, 'ok');
        continue;
      }
      let fixes: SettingId[];
      if (outcome.kind === 'mismatch') {
        const { document, received } = outcome.answer;
        expect(document.error?.code, `${id} ${request.url} → ${received}`).toBe('QSH_MISMATCH');
        const diagnosis = document.diagnosis;
        expect(diagnosis, `${id} ${request.url} → ${received}: no diagnosis`).toBeDefined();
        const matched = diagnosis?.matchedTransformation ?? '';
        // The transformation named must be one this configuration really has.
        fixes = (CAUSES[matched] ?? []).filter((cause) => has.findings.includes(cause));
        expect(fixes, `${id} ${request.url} → ${received}: ${matched} is not caused by ${has.findings.join(', ')}`).not.toEqual([]);
        for (const fix of fixes) expect(diagnosis?.fix).toContain(FIXES[fix].says);
        row.set(request.id, matched.split('/')[1] ?? matched);
      } else {
        // The proxy (or the app's HTTP parser, for what [NE] sends raw) refused the request: proxy-check must have said why.
        fixes = [...has.findings, ...has.notes];
        expect(fixes, `${id} ${request.url}: refused with ${outcome.status} by a configuration proxy-check passes`).not.toEqual([]);
        row.set(request.id, String(outcome.status));
      }
      for (const fix of fixes) expect(report.findings.concat(report.notes).find((f) => f.setting === fix)?.fix).toContain(FIXES[fix].says);
      // A diagnosis names one setting: each one it names must be enough. A refusal is fixed with everything proxy-check said.
      const fixedSetups = outcome.kind === 'mismatch' ? fixes.map((fix) => FIXES[fix].apply(setup)) : [fixes.reduce((s, fix) => FIXES[fix].apply(s), setup)];
      for (const fixed of fixedSetups) {
        const again = await send(await proxyFor(fixed), request.url);
        expect(again.kind, `${id} ${request.url} still fails with ${JSON.stringify(fixed)}`).toBe('valid');
      }
    }

    // proxy-check: a configuration it passes keeps every request valid (bar the %2F refusals it notes); one it flags breaks one at least.
    const broken = [...row.entries()].filter(([, cell]) => cell !== 'ok');
    if (report.findings.length === 0) {
      expect(broken.every(([request, cell]) => request === 'slash' && cell === '404' && has.notes.includes('apache/encoded-slashes-off'))).toBe(true);
    } else {
      expect(broken.length).toBeGreaterThan(0);
    }
  });

  it("proxy-check flags the KB's vhost and passes the fixed one", async () => {
    const kb = await checkProxyConfig((await proxyFor(CONFIGS[0]?.setup as ProxySetup)).configFile);
    expect(kb.findings.map((f) => [f.setting, f.directive])).toEqual([
      ['apache/proxypass-canon', expect.stringMatching(/^ProxyPass \/ http:\/\/127\.0\.0\.1:\d+\/$/) as string],
    ]);
    const fixed = await checkProxyConfig((await proxyFor(CONFIGS[1]?.setup as ProxySetup)).configFile);
    expect(fixed.findings).toEqual([]);
  });

  const FLAGGED = CONFIGS.filter(({ setup }) => settingsOf(setup).findings.length + settingsOf(setup).notes.length > 0);

  it.each(FLAGGED)('$id $what: the lines proxy-check prints, pasted over the lines it flags, make every request pass', async ({ id, setup }) => {
    const proxy = await proxyFor(setup);
    const report = await checkProxyConfig(proxy.configFile);
    const changes = [...report.findings, ...report.notes];
    expect(changes.map((c) => c.file)).toEqual(changes.map(() => proxy.siteFile));
    const fixed = await startProxy(setup, backend.address, pasted(await readFile(proxy.siteFile, 'utf8'), changes));
    try {
      expect(await checkProxyConfig(fixed.configFile)).toMatchObject({ findings: [], notes: [] });
      for (const request of CORPUS) expect((await send(fixed, request.url)).kind, `${id} ${request.url} after the printed fix`).toBe('valid');
    } finally {
      await fixed.close();
    }
  });

  it("proxy-check reads Debian's own configuration trees, every include followed, and detects their kind", async () => {
    // Parse errors throw; the findings depend on what this machine's admin enabled.
    expect((await checkProxyConfig('/etc/apache2/apache2.conf')).kind).toBe('apache');
    expect((await checkProxyConfig('/etc/nginx/nginx.conf')).kind).toBe('nginx');
  });

  it('the README records the matrix these proxies produce', async () => {
    const table = matrixTable(matrix);
    const readme = await readFile(path.join(REPO_ROOT, 'README.md'), 'utf8');
    const recorded = /<!-- proxy-matrix:start -->\n([\s\S]*?)<!-- proxy-matrix:end -->/.exec(readme)?.[1];
    expect(recorded, `README.md should hold, between the proxy-matrix markers:\n${table}`).toBe(table);
  });
});

/**
 * `text` edited as an admin following proxy-check would: each change's lines, as printed, in
 * place of the flagged line or after it, indented like their neighbours.
 */
function pasted(text: string, findings: readonly ProxyFinding[]): string {
  const lines = text.split('\n');
  for (const { line, change } of [...findings].sort((a, b) => b.line - a.line)) {
    const indent = (at: number) => /^\s*/.exec(lines[at] ?? '')?.[0] ?? '';
    if (change.action === 'replace') lines.splice(line - 1, 1, ...change.lines.map((l) => indent(line - 1) + l));
    else lines.splice(line, 0, ...change.lines.map((l) => indent(line) + l));
  }
  return lines.join('\n');
}

/** Requests down, configurations across; a cell is ok, the transformation the diagnosis named, or the status of a refusal. */
function matrixTable(matrix: ReadonlyMap<string, ReadonlyMap<string, string>>): string {
  const ids = CONFIGS.map((c) => c.id).filter((id) => matrix.has(id));
  const lines = [`| Request | ${ids.join(' | ')} |`, `| --- | ${ids.map(() => '---').join(' | ')} |`];
  for (const request of CORPUS) lines.push(`| \`${request.url}\` | ${ids.map((id) => matrix.get(id)?.get(request.id) ?? '').join(' | ')} |`);
  lines.push('', ...CONFIGS.map((c) => `- **${c.id}**: ${c.what}`));
  return `${lines.join('\n')}\n`;
}
