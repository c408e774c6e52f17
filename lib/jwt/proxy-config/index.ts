/**
 * `jwt proxy-check`: reads an Apache httpd or nginx configuration and reports every setting
 * that the proxy catalogue (lib/jwt/diagnosis/catalogue.ts, the same one the qsh diagnosis
 * uses) says will change a Connect request on its way to the app.
 */
import type { ProxyKind } from '../diagnosis/catalogue.ts';
import { parseApache } from './apache-parse.ts';
import { apacheFindings, apacheNotes } from './apache-rules.ts';
import { detectKind } from './detect.ts';
import { ProxyConfigError } from './errors.ts';
import { ConfigFiles } from './files.ts';
import type { ProxyFinding } from './finding.ts';
import { parseNginx } from './nginx-parse.ts';
import { nginxFindings } from './nginx-rules.ts';

export { ProxyConfigError } from './errors.ts';
export type { ProxyFinding } from './finding.ts';

export interface ProxyCheckReport {
  readonly kind: ProxyKind;
  /** Settings that break qsh: the request reaches the app changed. */
  readonly findings: readonly ProxyFinding[];
  /** Settings that make the proxy refuse some URLs itself (a 404 on %2F): no 401, but the app never sees them. */
  readonly notes: readonly ProxyFinding[];
}

/**
 * Checks the configuration in `file` (and what it includes).
 *
 * @example const { findings } = await checkProxyConfig('/etc/apache2/sites-enabled/confluence.conf');
 */
export async function checkProxyConfig(file: string, options: { kind?: ProxyKind } = {}): Promise<ProxyCheckReport> {
  const files = new ConfigFiles();
  const kind = options.kind ?? detectKind(await files.read(file));
  if (kind === undefined) {
    throw new ProxyConfigError('CONFIG_KIND_UNKNOWN', `Cannot tell whether "${file}" is an Apache httpd or an nginx configuration.`, {
      fix: 'Say which with --kind apache or --kind nginx.',
    });
  }
  const config = kind === 'apache' ? await parseApache(file, new ConfigFiles()) : await parseNginx(file, new ConfigFiles());
  if (kind === 'apache') return { kind, findings: apacheFindings(config), notes: apacheNotes(config) };
  return { kind, findings: nginxFindings(config), notes: [] };
}
