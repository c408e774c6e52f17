import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { saveInstallation } from '../../../lib/jwt/connect-installations.ts';
import { logAlertSink } from '../../../lib/observe/alerts.ts';
import { loadConfig } from '../../../lib/runtime/config.ts';
import { type Services, setServices } from '../../../lib/runtime/services.ts';
import { createLocalStores } from '../../../lib/store/local/index.ts';
import { createTrustContext, fixedTrustStore } from '../../../lib/trust/index.ts';
import { ManualClock } from '../../support/manual-clock.ts';
import { CLIENT_KEY, SHARED_SECRET } from './tokens.ts';

/** The base URL of the Connect app in these tests (the descriptor's baseUrl). */
export const APP_BASE_URL = 'https://trustline.example.com';

/**
 * Real services for JWT handler tests: the embedded stores in a temporary directory and THE
 * trust context over a truststore holding `caPem`; installed with setServices().
 */
export async function installTestServices(options: { caPem?: string; installKeysUrl?: string; publicUrl?: string; env?: Record<string, string> } = {}) {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'trustline-jwt-'));
  const clock = new ManualClock(Date.now());
  const config = loadConfig({
    TRUSTLINE_DATA_DIR: dataDir,
    TRUSTLINE_PUBLIC_URL: options.publicUrl ?? APP_BASE_URL,
    ...(options.installKeysUrl === undefined ? {} : { TRUSTLINE_CONNECT_INSTALL_KEYS_URL: options.installKeysUrl }),
    ...options.env,
  });
  const stores = createLocalStores({ dataDir, clock });
  const trustStore = fixedTrustStore(options.caPem ?? '');
  const trust = createTrustContext(trustStore);
  const fetched: string[] = [];
  const services: Services = {
    config,
    ...stores,
    alerts: logAlertSink,
    trustStore,
    // THE trust's fetch, recording what went through it.
    trust: { ...trust, fetch: (input, init) => (fetched.push(String(input instanceof Request ? input.url : input)), trust.fetch(input, init)) },
    clock,
  };
  setServices(services);
  return {
    services,
    clock,
    fetched,
    cleanup: async () => {
      setServices(undefined);
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** installTestServices with the test Jira site installed: CLIENT_KEY and SHARED_SECRET, as its install lifecycle call stores them. */
export async function installTestSite(options: Parameters<typeof installTestServices>[0] = {}) {
  const env = await installTestServices(options);
  await saveInstallation(env.services.secrets, {
    clientKey: CLIENT_KEY,
    sharedSecret: SHARED_SECRET,
    baseUrl: 'https://example.atlassian.net',
    installedAt: new Date().toISOString(),
  });
  return env;
}
