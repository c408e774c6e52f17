import { SETTINGS, type SettingId } from '../diagnosis/catalogue.ts';
import type { Directive } from './directive.ts';

/** A setting of the configuration that the catalogue says changes requests on their way to the app. */
export interface ProxyFinding {
  readonly file: string;
  readonly line: number;
  /** The directive as written. */
  readonly directive: string;
  readonly problem: string;
  readonly fix: string;
  /** The catalogue entry, for readers that act on it (the real-proxy tests, the console). */
  readonly setting: SettingId;
}

/** The finding for `setting` at `directive`, in the catalogue's words. */
export function finding(setting: SettingId, directive: Directive, problemPrefix = ''): ProxyFinding {
  const { problem, fix } = SETTINGS[setting];
  return { file: directive.file, line: directive.line, directive: directive.text, problem: problemPrefix + problem, fix, setting };
}
