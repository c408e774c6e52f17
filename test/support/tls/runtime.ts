import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { manifest } from '../../../functions/manifest.ts';
import { startLocalRuntime } from '../../../infra/local/runtime.ts';
import { loadConfig } from '../../../lib/runtime/config.ts';

export const TEST_ADMIN_TOKEN = 'test-admin-token-0123456789';

/** The real local runtime (embedded stores in a temp dir) serving only the named functions' routes. */
export async function startRuntime(names: readonly string[]) {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'trustline-tls-'));
  const config = { ...loadConfig({ TRUSTLINE_DATA_DIR: dataDir }), adminToken: TEST_ADMIN_TOKEN };
  const rt = await startLocalRuntime({ port: 0, config, manifest: manifest.filter((fn) => names.includes(fn.name)), shutdownGraceMs: 1000 });
  const api = async (method: string, route: string, body?: unknown) => {
    const response = await fetch(`${rt.url}${route}`, {
      method,
      headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    return { status: response.status, body: (text === '' ? undefined : JSON.parse(text)) as Record<string, unknown> };
  };
  return {
    url: rt.url,
    dataDir,
    api,
    env: { TRUSTLINE_URL: rt.url, TRUSTLINE_ADMIN_TOKEN: TEST_ADMIN_TOKEN, TRUSTLINE_DATA_DIR: dataDir },
    async stop() {
      await rt.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
