/**
 * What may stop a provider from accepting a redirect URL (seed 001: "Google cannot use a private
 * IP address; give an external URL, e.g. the load balancer"), in plain words. Pure: unit-tested.
 */

const PRIVATE_V4 = [/^10\./, /^127\./, /^192\.168\./, /^172\.(1[6-9]|2\d|3[01])\./, /^169\.254\./, /^100\.(6[4-9]|[7-9]\d|1[01]\d|12[0-7])\./];

/** Whether a URL host is an IP address no one outside this network can reach. */
export function isPrivateAddress(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (PRIVATE_V4.some((range) => range.test(host))) return /^[\d.]+$/.test(host);
  return host === '::1' || /^f[cd][0-9a-f]{2}:/.test(host) || /^fe[89ab][0-9a-f]:/.test(host);
}

/** The one fix for every warning below. */
export const REDIRECT_FIX = "Set TRUSTLINE_PUBLIC_URL to Trustline's external HTTPS address (for example its load balancer) and restart it.";

export function redirectWarnings(redirectUrl: string, provider: string): string[] {
  let url: URL;
  try {
    url = new URL(redirectUrl);
  } catch {
    return [`The redirect URL "${redirectUrl}" is not a valid URL.`];
  }
  const warnings: string[] = [];
  if (provider === 'google' && (isPrivateAddress(url.hostname) || url.hostname === 'localhost')) {
    warnings.push(`Google does not accept a redirect URL on a private IP address or this machine (${url.hostname}).`);
  }
  if (url.protocol === 'http:') warnings.push('Plain http: providers accept it only for localhost, if at all.');
  if (url.port !== '') warnings.push(`Port ${url.port} is part of the URL: if Trustline starts on another port, the provider refuses the sign-in.`);
  return warnings;
}
