import { randomBytes } from 'node:crypto';
import { chmod, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { banner } from '../../infra/local/banner.ts';
import { AdminTokenFileError } from '../../infra/local/errors.ts';
import { REDACTED, redactString, registerSecret } from '../../lib/observe/redact.ts';
import { rawHttp } from '../support/raw-http.ts';
import { captureStdio } from '../support/stdio.ts';
import { callsOf, resetCalls } from './fixtures/calls.ts';
import { httpManifest } from './fixtures/manifest.ts';
import { type TestRuntime, startTestRuntime } from './start.ts';

const post = (url: string, headers: Record<string, string> = {}) =>
  rawHttp(url, { method: 'POST', path: '/admin/echo', headers: { 'content-type': 'application/json', ...headers }, body: '{"change":true}' });

beforeEach(() => {
  resetCalls();
});

describe('admin routes with TRUSTLINE_ADMIN_TOKEN', () => {
  const token = randomBytes(24).toString('base64url');
  let t: TestRuntime;
  beforeAll(async () => {
    t = await startTestRuntime({ manifest: httpManifest, adminToken: token });
  });
  afterAll(() => t.stop());

  it('keeps the admin token out of the log however many other secrets are registered after it', () => {
    for (let i = 0; i < 6000; i++) registerSecret(randomBytes(24).toString('base64url'));
    expect(redactString(`the token was ${token}`)).toBe(`the token was ${REDACTED}`);
  });

  it('answers 401 problem+json without an Authorization header and never invokes the handler', async () => {
    const res = await post(t.rt.url);
    expect(res.status).toBe(401);
    expect(res.headers['content-type']).toBe('application/problem+json');
    expect(res.headers['www-authenticate']).toBe('Bearer realm="trustline"');
    expect(res.json()).toMatchObject({ status: 401, code: 'UNAUTHORIZED' });
    expect(callsOf('POST /admin/echo')).toHaveLength(0);
  });

  it('answers 401 to a wrong bearer token and never invokes the handler', async () => {
    for (const authorization of [`Bearer ${token}x`, `Bearer ${token.slice(0, -1)}`, 'Bearer', `Basic ${token}`, `Bearer ${token} extra`, token]) {
      const res = await post(t.rt.url, { authorization });
      expect(res.status, authorization).toBe(401);
    }
    expect(callsOf('POST /admin/echo')).toHaveLength(0);
  });

  it('invokes the handler with the right bearer token', async () => {
    const res = await post(t.rt.url, { authorization: `Bearer ${token}` });
    expect(res.status).toBe(200);
    expect(callsOf('POST /admin/echo')).toHaveLength(1);
  });

  it('accepts the scheme in any case, as RFC 9110 allows', async () => {
    expect((await post(t.rt.url, { authorization: `bearer ${token}` })).status).toBe(200);
  });

  it('reports the token as coming from the environment and writes no token file', async () => {
    expect(t.rt.adminToken).toEqual({ source: 'env', file: undefined });
    await expect(stat(path.join(t.dataDir, 'admin-token'))).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('leaves public routes open', async () => {
    expect((await rawHttp(t.rt.url, { path: '/health' })).status).toBe(200);
  });
});

describe('generated admin token file', () => {
  let dataDir: string;
  beforeEach(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'trustline-token-'));
  });
  afterEach(() => rm(dataDir, { recursive: true, force: true }));

  it('is created at first start with mode 0600 and accepted as the bearer token', async () => {
    const t = await startTestRuntime({ manifest: httpManifest, dataDir });
    try {
      const file = path.join(dataDir, 'admin-token');
      expect(t.rt.adminToken).toEqual({ source: 'file', file });
      expect((await stat(file)).mode & 0o777).toBe(0o600);
      const token = (await readFile(file, 'utf8')).trim();
      expect(token.length).toBeGreaterThanOrEqual(32);
      expect((await post(t.rt.url, { authorization: `Bearer ${token}` })).status).toBe(200);
    } finally {
      await t.stop();
    }
  });

  it('is reused by the next start', async () => {
    const first = await startTestRuntime({ manifest: httpManifest, dataDir });
    const token = await readFile(path.join(dataDir, 'admin-token'), 'utf8');
    await first.stop();
    const second = await startTestRuntime({ manifest: httpManifest, dataDir });
    try {
      expect(await readFile(path.join(dataDir, 'admin-token'), 'utf8')).toBe(token);
      expect((await post(second.rt.url, { authorization: `Bearer ${token.trim()}` })).status).toBe(200);
    } finally {
      await second.stop();
    }
  });

  it('is tightened back to mode 0600 when found readable by others', async () => {
    const file = path.join(dataDir, 'admin-token');
    await writeFile(file, `${randomBytes(32).toString('base64url')}\n`);
    await chmod(file, 0o644);
    const t = await startTestRuntime({ manifest: httpManifest, dataDir });
    await t.stop();
    expect((await stat(file)).mode & 0o777).toBe(0o600);
  });

  it('refuses to start on a token file that holds no usable token', async () => {
    await writeFile(path.join(dataDir, 'admin-token'), '\n', { mode: 0o600 });
    await expect(startTestRuntime({ manifest: httpManifest, dataDir })).rejects.toBeInstanceOf(AdminTokenFileError);
  });

  it('never prints the token: the banner names the file and how the CLI finds it', async () => {
    const { lines } = await captureStdio(async () => {
      const t = await startTestRuntime({ manifest: httpManifest, dataDir });
      try {
        const text = banner(t.rt, path.dirname(dataDir));
        process.stdout.write(`${text}\n`);
        await post(t.rt.url, { authorization: 'Bearer wrong-token-value' });
      } finally {
        await t.stop();
      }
    });
    const token = (await readFile(path.join(dataDir, 'admin-token'), 'utf8')).trim();
    const output = lines.join('\n');
    expect(output).not.toContain(token);
    expect(output).toContain('admin-token (mode 0600, never printed). The CLI reads it from there itself.');
    expect(output).toMatch(/POST\s+\/admin\/echo\s+admin\s+echo/);
  });
});
