import { InsecureEndpointError } from './errors.ts';
import { isLoopbackHttp } from './loopback.ts';

export { isLoopbackHost, isLoopbackHttp } from './loopback.ts';

/** Throws InsecureEndpointError unless the URL is https, or loopback http with `allowLoopbackHttp`. */
export function assertSecureEndpoint(field: string, url: string, allowLoopbackHttp: boolean): void {
  const parsed = new URL(url);
  if (parsed.protocol === 'https:') return;
  if (allowLoopbackHttp && isLoopbackHttp(url)) return;
  throw new InsecureEndpointError(field, url);
}
