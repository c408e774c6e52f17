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
import { ConfigFiles, type ConfigSource, PastedConfig } from './files.ts';
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
export function checkProxyConfig(file: string, options: { kind?: ProxyKind } = {}): Promise<ProxyCheckReport> {
  return check(file, () => new ConfigFiles(), options.kind);
}

/** Checks a configuration pasted as text; its includes cannot be followed and are skipped. */
export function checkPastedProxyConfig(text: string, options: { kind?: ProxyKind } = {}): Promise<ProxyCheckReport> {
  return check('pasted configuration', (name) => new PastedConfig(name, text), options.kind);
}

async function check(file: string, source: (file: string) => ConfigSource, given: ProxyKind | undefined): Promise<ProxyCheckReport> {
  const kind = given ?? detectKind(await source(file).read(file));
  if (kind === undefined) {
    throw new ProxyConfigError('CONFIG_KIND_UNKNOWN', `Cannot tell whether "${file}" is an Apache httpd or an nginx configuration.`, {
      fix: 'Say which with --kind apache or --kind nginx.',
    });
  }
  const config = kind === 'apache' ? await parseApache(file, source(file)) : await parseNginx(file, source(file));
  if (kind === 'apache') return { kind, findings: apacheFindings(config), notes: apacheNotes(config) };
  return { kind, findings: nginxFindings(config), notes: [] };
}
