import { SETTINGS, type SettingId } from '../diagnosis/catalogue.ts';
import type { Directive } from './directive.ts';

/**
 * The edit that fixes a finding in the configuration as written: replace the flagged line with
 * `lines` (none: delete it), or insert them after it (a setting that is missing there).
 */
export interface ProxyChange {
  readonly action: 'replace' | 'insert-after';
  readonly lines: readonly string[];
}

/** A setting of the configuration that the catalogue says changes requests on their way to the app. */
export interface ProxyFinding {
  readonly file: string;
  readonly line: number;
  /** The directive as written. */
  readonly directive: string;
  readonly problem: string;
  /** What to do, quoting the exact lines of `change`. */
  readonly fix: string;
  readonly change: ProxyChange;
  /** The catalogue entry, for readers that act on it (the real-proxy tests, the console). */
  readonly setting: SettingId;
}

/** A fix in this configuration's own terms: the words, and the edit they describe. */
export interface ProxyFix {
  readonly fix: string;
  readonly change: ProxyChange;
}

/** The finding for `setting` at `directive`: the catalogue's problem, and the fix built from the directive itself. */
export function finding(setting: SettingId, directive: Directive, fix: ProxyFix, problemPrefix = ''): ProxyFinding {
  return { file: directive.file, line: directive.line, directive: directive.text, problem: problemPrefix + SETTINGS[setting].problem, ...fix, setting };
}

/** Lines quoted for a sentence: "a" then "b". */
export function quoted(lines: readonly string[]): string {
  return lines.map((line) => `"${line}"`).join(' then ');
}
