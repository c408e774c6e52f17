import dns from 'node:dns';
import { BlockList, isIP, type LookupFunction } from 'node:net';
import { OutboundRefusedError } from './errors.ts';

/** Largest response body read from any outbound call, after decompression, unless the policy says otherwise. */
export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;
/** Redirects a fetch that follows them may take; each hop is checked again. */
export const MAX_REDIRECTS = 3;

/**
 * Who asked for a connection. `service`: an endpoint an administrator configured (token
 * endpoints, key servers, mail servers). `certificate`: a URL a checked server's certificate
 * named (AIA, and OCSP/CRL when they come) — chosen by whoever controls that server.
 */
export type OutboundPurpose = 'service' | 'certificate';

export interface OutboundPolicyOptions {
  /** Certificate-driven fetches may reach loopback (`TRUSTLINE_DEV_ALLOW_LOOPBACK_HTTP`). */
  readonly allowLoopback?: boolean;
  /** `host:port` of the Lambda runtime API; defaults to `AWS_LAMBDA_RUNTIME_API`. Always refused. */
  readonly lambdaRuntimeApi?: string | undefined;
  /** Largest response body, decompressed (DEFAULT_MAX_BODY_BYTES unless set). */
  readonly maxBodyBytes?: number;
}

/** The policy every outbound connection of Trustline is checked against, on the address it really connects to. */
export interface OutboundPolicy {
  readonly maxBodyBytes: number;
  /** Why connecting to `address:port` for `purpose` is refused, or undefined when it is allowed. */
  refusal(address: string, port: number, purpose: OutboundPurpose): string | undefined;
  /** A `net.connect` lookup that resolves `host` and keeps only the addresses the policy allows. */
  lookup(purpose: OutboundPurpose, port: number): LookupFunction;
  /** Resolves `host` and answers the first allowed address; throws OutboundRefusedError when none is. */
  resolve(host: string, port: number, purpose: OutboundPurpose): Promise<string>;
}

// Link-local holds the cloud instance and container metadata services (169.254.169.254,
// 169.254.170.2); fd00:ec2::254 is the EC2 metadata service over IPv6.
const linkLocal = new BlockList();
linkLocal.addSubnet('169.254.0.0', 16, 'ipv4');
linkLocal.addSubnet('fe80::', 10, 'ipv6');
linkLocal.addAddress('fd00:ec2::254', 'ipv6');

// 0.0.0.0 and :: reach the local machine on Linux, so they count as loopback.
const loopback = new BlockList();
loopback.addSubnet('127.0.0.0', 8, 'ipv4');
loopback.addSubnet('0.0.0.0', 8, 'ipv4');
loopback.addAddress('::1', 'ipv6');
loopback.addAddress('::', 'ipv6');

function family(address: string): 'ipv4' | 'ipv6' {
  return isIP(address) === 6 ? 'ipv6' : 'ipv4';
}

/** True for an IP address on the local machine (IPv4-mapped IPv6 included). */
export function isLoopbackAddress(address: string): boolean {
  return isIP(address) !== 0 && loopback.check(address, family(address));
}

function isLinkLocal(address: string): boolean {
  return isIP(address) !== 0 && linkLocal.check(address, family(address));
}

function parseHostPort(value: string | undefined): { host: string; port: number } | undefined {
  if (value === undefined || value === '') return undefined;
  const match = /^\[?([^\]]+?)\]?:(\d+)$/.exec(value);
  return match === null ? undefined : { host: match[1] as string, port: Number(match[2]) };
}

/** The outbound policy; private ranges (10/8, 172.16/12, 192.168/16, fc00::/7) stay allowed: internal PKIs and identity providers live there. */
export function createOutboundPolicy(options: OutboundPolicyOptions = {}): OutboundPolicy {
  const runtimeApi = parseHostPort('lambdaRuntimeApi' in options ? options.lambdaRuntimeApi : process.env.AWS_LAMBDA_RUNTIME_API);
  const runtimeIsLoopback = runtimeApi !== undefined && (runtimeApi.host === 'localhost' || isLoopbackAddress(runtimeApi.host));
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;

  function refusal(address: string, port: number, purpose: OutboundPurpose): string | undefined {
    if (isLinkLocal(address)) return 'it is a link-local address, where cloud metadata services answer';
    const isLoopback = isLoopbackAddress(address);
    if (runtimeApi !== undefined && port === runtimeApi.port && (address === runtimeApi.host || (isLoopback && runtimeIsLoopback))) {
      return 'it is the Lambda runtime API';
    }
    if (purpose === 'certificate' && isLoopback && options.allowLoopback !== true) {
      return 'a certificate names a loopback address, which Trustline fetches only with TRUSTLINE_DEV_ALLOW_LOOPBACK_HTTP=1';
    }
    return undefined;
  }

  function allowedAddresses(
    host: string,
    port: number,
    purpose: OutboundPurpose,
    callback: (error: Error | null, addresses: dns.LookupAddress[]) => void,
  ): void {
    dns.lookup(host, { all: true }, (error, addresses) => {
      if (error !== null) {
        callback(error, []);
        return;
      }
      const allowed = addresses.filter((each) => refusal(each.address, port, purpose) === undefined);
      if (allowed.length > 0) {
        callback(null, allowed);
        return;
      }
      const first = addresses[0]?.address ?? host;
      callback(new OutboundRefusedError(`${host}:${String(port)}`, refusal(first, port, purpose) ?? 'it resolves to no address'), []);
    });
  }

  function lookup(purpose: OutboundPurpose, port: number): LookupFunction {
    return (host, lookupOptions, callback) => {
      allowedAddresses(host, port, purpose, (error, addresses) => {
        if (error !== null) callback(error, '', 0);
        else if (lookupOptions.all === true) (callback as unknown as (error: null, addresses: dns.LookupAddress[]) => void)(null, addresses);
        else {
          const wanted =
            addresses.find((each) => lookupOptions.family === undefined || lookupOptions.family === 0 || each.family === lookupOptions.family) ?? addresses[0];
          callback(null, wanted?.address ?? '', wanted?.family ?? 4);
        }
      });
    };
  }

  function resolve(host: string, port: number, purpose: OutboundPurpose): Promise<string> {
    const literal = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
    if (isIP(literal) !== 0) {
      const reason = refusal(literal, port, purpose);
      return reason === undefined ? Promise.resolve(literal) : Promise.reject(new OutboundRefusedError(`${host}:${String(port)}`, reason));
    }
    return new Promise((resolvePromise, reject) => {
      allowedAddresses(literal, port, purpose, (error, addresses) => {
        if (error !== null) reject(error);
        else resolvePromise((addresses[0] as dns.LookupAddress).address);
      });
    });
  }

  return { maxBodyBytes, refusal, lookup, resolve };
}
