import { isIP } from 'node:net';
import type { ConnectionOptions } from 'node:tls';
import { tlsOptions, type TrustContext } from '../trust/index.ts';

/** TLS options for a mail server from THE shared trust, with SNI when the host is a name. */
export async function mailTlsOptions(trust: TrustContext, host: string): Promise<ConnectionOptions> {
  return { ...(await tlsOptions(trust)), ...(isIP(host) === 0 ? { servername: host } : {}), minVersion: 'TLSv1.2' };
}
