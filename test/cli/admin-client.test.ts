import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { AdminClient } from '../../lib/cli/admin-client.ts';
import { AdminApiError, InsecureUrlError, MissingAdminTokenError, NotRunningError, UnexpectedResponseError } from '../../lib/cli/errors.ts';
import { EXIT } from '../../lib/cli/output.ts';
import { httpManifest } from '../local/fixtures/manifest.ts';
import { type TestRuntime, startTestRuntime } from '../local/start.ts';
import { freePort } from '../support/ports.ts';
import { runCli } from './run-cli.ts';

/** The error `promise` rejects with. */
async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a rejection');
}

describe('AdminClient against the local runtime', () => {
  let t: TestRuntime;
  let token: string;
  beforeAll(async () => {
    t = await startTestRuntime({ manifest: httpManifest });
    token = (await readFile(path.join(t.dataDir, 'admin-token'), 'utf8')).trim();
  });
  afterAll(() => t.stop());

  const fromEnv = (env: Record<string, string> = {}) => AdminClient.fromEnv({ TRUSTLINE_URL: t.rt.url, TRUSTLINE_DATA_DIR: t.dataDir, ...env });

  it('reads the bearer token from <TRUSTLINE_DATA_DIR>/admin-token for admin routes', async () => {
    const event = await fromEnv().post('/admin/echo', { a: 1 }, z.looseObject({ routeKey: z.string(), body: z.string() }));
    expect(event).toMatchObject({ routeKey: 'POST /admin/echo', body: '{"a":1}' });
  });

  it('prefers TRUSTLINE_ADMIN_TOKEN over the file', async () => {
    const error = await rejection(fromEnv({ TRUSTLINE_ADMIN_TOKEN: 'a-different-token-value' }).post('/admin/echo', {}));
    expect(error).toBeInstanceOf(AdminApiError);
    expect(error).toMatchObject({ status: 401, code: 'UNAUTHORIZED' });
  });

  it('maps a 4xx problem+json to AdminApiError with its code and detail, exit 2', async () => {
    const error = await rejection(fromEnv().get('/admin/nothing-here'));
    expect(error).toBeInstanceOf(AdminApiError);
    if (!(error instanceof AdminApiError)) throw error;
    expect(error).toMatchObject({ status: 404, code: 'NO_ROUTE', exitCode: EXIT.usage });
    expect(error.detail).toContain('/admin/nothing-here');
  });

  it('keeps the structured fields of a problem, such as the allowed methods', async () => {
    const error = await rejection(fromEnv().post('/items/7', {}));
    expect(error).toBeInstanceOf(AdminApiError);
    expect(error).toMatchObject({ status: 405, code: 'METHOD_NOT_ALLOWED', problem: { allow: ['DELETE', 'GET'] } });
  });

  it('maps a 5xx problem to AdminApiError with exit 1', async () => {
    const error = await rejection(fromEnv().get('/respond/throw'));
    expect(error).toMatchObject({ status: 500, code: 'FUNCTION_FAILED', exitCode: EXIT.failed });
  });

  it('refuses an answer of another shape than expected', async () => {
    const error = await rejection(fromEnv().get('/health', z.object({ something: z.string() })));
    expect(error).toBeInstanceOf(UnexpectedResponseError);
  });

  it('never puts the token in an error message', async () => {
    const error = await rejection(fromEnv().get('/admin/nothing-here'));
    expect(`${error.message} ${JSON.stringify(error)}`).not.toContain(token);
  });

  it('fails with MissingAdminTokenError (exit 2) when there is no token anywhere', async () => {
    const error = await rejection(
      AdminClient.fromEnv({ TRUSTLINE_URL: t.rt.url, TRUSTLINE_DATA_DIR: path.join(t.dataDir, 'elsewhere') }).post('/admin/echo', {}),
    );
    expect(error).toBeInstanceOf(MissingAdminTokenError);
    expect(error).toMatchObject({ exitCode: EXIT.usage });
  });

  it('does not need a token for public routes', async () => {
    const health = await AdminClient.fromEnv({ TRUSTLINE_URL: t.rt.url, TRUSTLINE_DATA_DIR: path.join(t.dataDir, 'elsewhere') }).get('/health');
    expect(health).toMatchObject({ status: 'ok' });
  });
});

describe('AdminClient without a server', () => {
  it('fails with NotRunningError naming the URL', async () => {
    const port = await freePort();
    const client = new AdminClient({ baseUrl: `http://127.0.0.1:${port}`, token: randomBytes(20).toString('hex') });
    const error = await rejection(client.get('/health'));
    expect(error).toBeInstanceOf(NotRunningError);
    expect(error.message).toBe(`Trustline is not running at http://127.0.0.1:${port}: start it with npm start.`);
  });
});

describe('AdminClient and plain http', () => {
  it('refuses plain http to another machine before sending anything, asking for https (exit 2)', () => {
    let sent = 0;
    const fetch = (() => {
      sent++;
      return Promise.resolve(new Response('{}'));
    }) as typeof globalThis.fetch;
    for (const baseUrl of ['http://trustline.example.com:3000', 'http://192.0.2.10:3000', 'http://[2001:db8::1]:3000', 'http://127.0.0.1.example.com']) {
      const error = (() => {
        try {
          new AdminClient({ baseUrl, token: 'a-token-that-must-stay-home', fetch });
        } catch (caught) {
          return caught as InsecureUrlError;
        }
        return undefined;
      })();
      expect(error, baseUrl).toBeInstanceOf(InsecureUrlError);
      expect(error?.exitCode).toBe(2);
      expect(error?.message).toContain('https');
    }
    expect(sent).toBe(0);
  });

  it('allows plain http on this machine and https anywhere', () => {
    for (const baseUrl of ['http://127.0.0.1:3000', 'http://localhost:3000', 'http://[::1]:3000', 'http://127.0.0.2:3000', 'https://trustline.example.com']) {
      expect(new AdminClient({ baseUrl, token: 'token' }).baseUrl, baseUrl).toBe(baseUrl);
    }
  });

  it('stops the CLI with exit 2 for TRUSTLINE_URL of plain http to another machine', async () => {
    const run = await runCli(['trust', 'list'], {
      TRUSTLINE_URL: 'http://trustline.example.com:3000',
      TRUSTLINE_ADMIN_TOKEN: 'an-admin-token-of-enough-length',
    });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('https');
    expect(run.stderr).not.toContain('an-admin-token-of-enough-length');
  });
});
