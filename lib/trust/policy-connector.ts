import { isIP } from 'node:net';
import type { ConnectionOptions } from 'node:tls';
import type { buildConnector } from 'undici';
import { OutboundRefusedError } from './errors.ts';
import type { OutboundPolicy, OutboundPurpose } from './outbound-policy.ts';

type Connector = buildConnector.connector;
type BuildConnector = typeof buildConnector;

/** Connectors kept per port: the lookup that checks an address needs the port (the Lambda runtime API is a host and a port). */
const MAX_CONNECTORS_PER_AGENT = 64;

/**
 * An undici `connect` that checks every connection against `policy` on the address it really
 * connects to: an IP literal before the socket opens, a name through the lookup of `net.connect`
 * (so a DNS answer cannot change between the check and the connect). Redirect hops open their
 * connections here too, so each hop is checked again.
 */
export function policyConnector(build: BuildConnector, policy: OutboundPolicy, purpose: OutboundPurpose, tls: ConnectionOptions): Connector {
  const byPort = new Map<number, Connector>();
  const forPort = (port: number): Connector => {
    let connector = byPort.get(port);
    if (connector === undefined) {
      connector = build({ ...tls, lookup: policy.lookup(purpose, port) });
      if (byPort.size >= MAX_CONNECTORS_PER_AGENT) byPort.delete(byPort.keys().next().value as number);
      byPort.set(port, connector);
    }
    return connector;
  };
  return (options, callback) => {
    const port = options.port === '' ? (options.protocol === 'https:' ? 443 : 80) : Number(options.port);
    // net.connect does not look up an IP literal, so the lookup hook never sees it: checked here.
    if (isIP(options.hostname) !== 0) {
      const reason = policy.refusal(options.hostname, port, purpose);
      if (reason !== undefined) {
        callback(new OutboundRefusedError(`${options.hostname}:${String(port)}`, reason), null);
        return;
      }
    }
    forPort(port)(options, callback);
  };
}
