import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../infra/local/functions.ts';
import { runCli } from '../cli/run-cli.ts';
import { closeServer } from '../support/close-server.ts';

const TOKEN = 'cli-console-admin-token-0123456789abcdef';

describe('trustline console', () => {
  let api: Server;
  let apiUrl: string;
  const seen: IncomingHttpHeaders[] = [];

  beforeAll(async () => {
    api = createServer((req, res) => {
      seen.push(req.headers);
      res.writeHead(200, { 'content-type': 'application/json' }).end(req.url === '/health' ? '{"status":"ok"}' : '{"entries":[]}');
    });
    await new Promise<void>((resolve) => api.listen(0, '127.0.0.1', resolve));
    apiUrl = `http://127.0.0.1:${(api.address() as AddressInfo).port}`;
  });
  afterAll(() => closeServer(api));

  it('with --json prints exactly {"url": "<one-time sign-in URL>"} first, serves the console with the admin token, and stops on Ctrl-C', async () => {
    const env = {
      ...Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('TRUSTLINE_'))),
      TRUSTLINE_URL: apiUrl,
      TRUSTLINE_ADMIN_TOKEN: TOKEN,
    };
    const child = spawn(process.execPath, [path.join(REPO_ROOT, 'bin/trustline.js'), 'console', '--no-open', '--json'], {
      cwd: REPO_ROOT,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exited = once(child, 'exit');
    try {
      const lines = createInterface({ input: child.stdout });
      const [first = ''] = (await once(lines, 'line')) as string[];
      expect(first).toMatch(/^\{"url": "http:\/\/127\.0\.0\.1:\d+\/signin\?token=[A-Za-z0-9_-]{43}"\}$/);
      const { url } = JSON.parse(first) as { url: string };

      const signedIn = await fetch(url, { redirect: 'manual' });
      expect(signedIn.status).toBe(303);
      const cookie = (signedIn.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
      const trust = await fetch(new URL('/api/admin/trust', url), { headers: { cookie } });
      expect(await trust.json()).toEqual({ entries: [] });
      expect(seen.at(-1)?.authorization).toBe(`Bearer ${TOKEN}`);
      expect((await fetch(url, { redirect: 'manual' })).status).toBe(403);
    } finally {
      child.kill('SIGINT');
    }
    const [code] = (await exited) as [number | null];
    expect(code).toBe(0);
  });

  it('refuses a port that is no number with exit 2', async () => {
    const run = await runCli(['console', '--no-open', '--port', 'eighty', '--json'], { TRUSTLINE_URL: apiUrl, TRUSTLINE_ADMIN_TOKEN: TOKEN });
    expect(run.code).toBe(2);
    expect(JSON.parse(run.stdout)).toMatchObject({ error: { code: 'USAGE' } });
  });
});
