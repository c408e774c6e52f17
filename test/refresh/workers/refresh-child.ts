/**
 * A separate Trustline process sharing the parent's data directory, as a second Lambda or the
 * CLI would. Prints `ready`, then:
 *   run <dataDir>                          one scheduled refresh run; prints its report as a JSON line
 *   kill-at <dataDir> <integrationId> <point>
 *       refreshes the integration and, at `point`, prints `at <point>` and stops there until the
 *       parent SIGKILLs it. Points: before-request (the token request is about to leave),
 *       after-answer (the provider answered; the token write is next), after-write (tokens
 *       stored; the integration's metadata update is next, or, written with the tokens, the lease release).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { OAuthServices } from '../../../lib/oauth/deps.ts';
import { INTEGRATION_KIND } from '../../../lib/oauth/integration-store.ts';
import { refreshIntegration } from '../../../lib/oauth/refresh.ts';
import { runScheduledRefresh } from '../../../lib/oauth/refresh-run.ts';
import { integrationSecretName } from '../../../lib/oauth/token-store.ts';
import { logAlertSink } from '../../../lib/observe/alerts.ts';
import { loadConfig } from '../../../lib/runtime/config.ts';
import { createLocalStores } from '../../../lib/store/local/index.ts';
import { systemClock } from '../../../lib/clock.ts';
import { createTrustContext, createTrustStore } from '../../../lib/trust/index.ts';

const [mode, dataDir, integrationId, point] = process.argv.slice(2);
if (mode === undefined || dataDir === undefined) throw new Error('usage: refresh-child.ts run|kill-at <dataDir> [integrationId point]');

const config = loadConfig({ TRUSTLINE_DATA_DIR: dataDir, TRUSTLINE_DEV_ALLOW_LOOPBACK_HTTP: '1' });
const stores = createLocalStores({ dataDir, clock: systemClock });
const trustStore = createTrustStore(stores.metadata, systemClock);
const trust = createTrustContext(trustStore);

/** Announces the point to the parent, then parks this process until it is killed. */
async function stopHere(name: string): Promise<never> {
  process.stdout.write(`at ${name}\n`);
  for (;;) await sleep(60_000);
}

let tokensWritten = false;
const { putWithItem } = stores.secrets;
if (putWithItem === undefined) throw new Error('the local SecretStore has no putWithItem');
const deps: OAuthServices = {
  config,
  clock: systemClock,
  alerts: logAlertSink,
  leases: stores.leases,
  trust: {
    ...trust,
    fetch: async (input, init) => {
      if (point === 'before-request') await stopHere(point);
      return trust.fetch(input, init);
    },
  },
  secrets: {
    ...stores.secrets,
    put: async (name, value) => {
      if (point === 'after-answer' && name === integrationSecretName(integrationId ?? '')) await stopHere(point);
      const written = await stores.secrets.put(name, value);
      tokensWritten ||= name === integrationSecretName(integrationId ?? '');
      return written;
    },
    // The local stores write the tokens with the outcome in one commit: the points are before it
    // and after it (tokens and outcome stored, the lease release next).
    putWithItem: async (name, value, write) => {
      const ours = name === integrationSecretName(integrationId ?? '');
      if (point === 'after-answer' && ours) await stopHere(point);
      const written = await putWithItem(name, value, write);
      if (point === 'after-write' && ours) await stopHere(point);
      return written;
    },
  },
  metadata: {
    ...stores.metadata,
    put: async (item, condition) => {
      if (point === 'after-write' && tokensWritten && item.kind === INTEGRATION_KIND) await stopHere(point);
      return stores.metadata.put(item, condition);
    },
  },
};

process.stdout.write('ready\n');
if (mode === 'run') {
  const report = await runScheduledRefresh(deps, { budgetMs: 60_000 });
  process.stdout.write(`${JSON.stringify({ ...report, outcomes: undefined })}\n`);
} else if (mode === 'kill-at' && integrationId !== undefined) {
  await refreshIntegration(deps, integrationId, { force: true });
  process.stdout.write('finished without being killed\n');
}
