import { isIP } from 'node:net';
import type { Config } from '../runtime/config.ts';
import { isLoopbackHost } from './loopback.ts';

/** Something about the redirect base that providers will refuse or that will break later; the API returns these as `warnings`. */
export interface RedirectWarning {
  readonly code: 'PRIVATE_REDIRECT_HOST' | 'PLAIN_HTTP_REDIRECT' | 'RANDOM_PORT';
  readonly message: string;
}

const EXAMPLE = 'for example TRUSTLINE_PUBLIC_URL=https://trustline.example.com (your load balancer or reverse proxy)';

/** RFC 1918, RFC 6598 shared, link-local and loopback IPv4; unique-local, link-local and loopback IPv6. */
function isPrivateIp(host: string): boolean {
  const ip = host.replace(/^\[|\]$/g, '').toLowerCase();
  if (isIP(ip) === 4) {
    const [a = 0, b = 0] = ip.split('.').map(Number);
    return (
      a === 10 || a === 127 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168) || (a === 169 && b === 254) || (a === 100 && b >= 64 && b <= 127)
    );
  }
  if (isIP(ip) === 6) return ip === '::1' || /^f[cd]/.test(ip) || /^fe[89ab]/.test(ip);
  return false;
}

/**
 * What is wrong with the base of the redirect URLs (seed 001: "Google does not allow a
 * private IP address; provide an external URL, for example the load balancer"; OAuth 2.0
 * only over HTTPS). Empty when providers will accept it and it stays the same across restarts.
 */
export function redirectWarnings(config: Pick<Config, 'publicUrl' | 'publicUrlExplicit' | 'randomPort'>): RedirectWarning[] {
  const url = new URL(config.publicUrl);
  const warnings: RedirectWarning[] = [];
  if (isPrivateIp(url.hostname)) {
    warnings.push({
      code: 'PRIVATE_REDIRECT_HOST',
      message:
        `The redirect URLs point at ${url.hostname}, a ${isLoopbackHost(url.hostname) ? 'loopback' : 'private'} IP address: Google refuses redirect URLs on private or loopback IP addresses, ` +
        `and a provider or browser elsewhere cannot reach it. Set an external URL, ${EXAMPLE}.`,
    });
  }
  if (url.protocol === 'http:' && !isLoopbackHost(url.hostname)) {
    warnings.push({
      code: 'PLAIN_HTTP_REDIRECT',
      message: `The redirect URLs use plain http on ${url.hostname}: providers require https for a redirect URL outside this machine (the authorization code travels in it). Use an https URL, ${EXAMPLE}.`,
    });
  }
  if (config.randomPort === true && !config.publicUrlExplicit) {
    warnings.push({
      code: 'RANDOM_PORT',
      message: `PORT=0 picked port ${url.port} at random, so the redirect URLs change at every restart and the one registered at the provider stops matching. Set PORT to a fixed port, or set TRUSTLINE_PUBLIC_URL.`,
    });
  }
  return warnings;
}
