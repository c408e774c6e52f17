import { logAlertSink } from '../observe/index.ts';
import { createLocalStores } from '../store/local/index.ts';
import type { Clock } from '../clock.ts';
import { createTrustContext, createTrustStore } from '../trust/index.ts';
import { outboundPolicyOptions, type Config } from './config.ts';
import type { Services } from './services.ts';

/**
 * The services of a laptop run: embedded stores in `config.dataDir`, alerts to the log. The
 * stores are opened at once: a data directory that cannot be used stops the start.
 */
export async function createLocalServices(config: Config, clock: Clock): Promise<Services> {
  const stores = createLocalStores({ dataDir: config.dataDir, clock });
  await stores.open();
  const { secrets, metadata, leases } = stores;
  const trustStore = createTrustStore(metadata, clock);
  return {
    config,
    secrets,
    metadata,
    leases,
    alerts: logAlertSink,
    trustStore,
    trust: createTrustContext(trustStore, { outbound: outboundPolicyOptions(config) }),
    clock,
  };
}
