import { logAlertSink } from '../observe/alerts.ts';
import { createLocalStores } from '../store/local/index.ts';
import type { Clock } from '../store/ports.ts';
import { createTrustContext } from '../trust/tls-context.ts';
import { createTrustStore } from '../trust/trust-store.ts';
import { outboundPolicyOptions, type Config } from './config.ts';
import type { Services } from './services.ts';

/** The services of a laptop run: embedded stores in `config.dataDir`, alerts to the log. */
export function createLocalServices(config: Config, clock: Clock): Services {
  const { secrets, metadata, leases } = createLocalStores({ dataDir: config.dataDir, clock });
  const trustStore = createTrustStore(metadata, clock);
  return { config, secrets, metadata, leases, alerts: logAlertSink, trustStore, trust: createTrustContext(trustStore, { outbound: outboundPolicyOptions(config) }), clock };
}
