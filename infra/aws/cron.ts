import { CronConversionError } from './errors.ts';

/**
 * Converts the manifest's five-field Unix cron (UTC) to EventBridge Scheduler's six-field form.
 *
 * EventBridge differs from Unix cron in three ways that matter here: day-of-week counts 1-7 from
 * Sunday (Unix: 0-6, 7 also Sunday), one of day-of-month / day-of-week must be `?`, and it has a
 * year field. Steps over ranges (`1-30/10`) and day-of-week steps are written out as lists, the
 * form EventBridge accepts everywhere.
 *
 * @example toEventBridgeCron('*\/5 * * * *') // 'cron(0/5 * * * ? *)'
 */
export function toEventBridgeCron(unixCron: string): string {
  const expanded = MACROS[unixCron.trim().toLowerCase()] ?? unixCron.trim();
  if (expanded.startsWith('@')) {
    throw new CronConversionError(unixCron, `"${expanded}" is not a schedule macro EventBridge can run.`, 'use five fields or one of @hourly, @daily, @weekly, @monthly, @yearly.');
  }
  const fields = expanded.split(/\s+/);
  if (fields.length !== 5) {
    throw new CronConversionError(
      unixCron,
      `it has ${fields.length} fields where five are expected.`,
      'write minute hour day-of-month month day-of-week, without seconds or a year.',
    );
  }
  const [minute, hour, dom, month, dow] = FIELDS.map((spec, i) => parseField(unixCron, fields[i] ?? '', spec)) as [Term[], Term[], Term[], Term[], Term[]];
  const domRestricted = !isWildcard(dom);
  const dowRestricted = !isWildcard(dow);
  if (domRestricted && dowRestricted) {
    throw new CronConversionError(
      unixCron,
      'it restricts both day-of-month and day-of-week; Unix cron runs when either matches, EventBridge cannot combine them.',
      'keep one of the two as "*" and split the rest into a second schedule.',
    );
  }
  const domOut = dowRestricted ? '?' : renderPlain(dom, DAY_OF_MONTH);
  const dowOut = dowRestricted ? renderDayOfWeek(dow) : '?';
  return `cron(${renderPlain(minute, MINUTE)} ${renderPlain(hour, HOUR)} ${domOut} ${renderPlain(month, MONTH)} ${dowOut} *)`;
}

interface FieldSpec {
  readonly name: string;
  readonly min: number;
  readonly max: number;
  readonly names?: readonly string[];
}

/** One comma-separated term: `*`, `N`, `A-B`, each optionally with `/STEP`. */
interface Term {
  readonly from: number | '*';
  readonly to: number;
  readonly step: number | undefined;
}

const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const DAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];

const MINUTE: FieldSpec = { name: 'minute', min: 0, max: 59 };
const HOUR: FieldSpec = { name: 'hour', min: 0, max: 23 };
const DAY_OF_MONTH: FieldSpec = { name: 'day-of-month', min: 1, max: 31 };
const MONTH: FieldSpec = { name: 'month', min: 1, max: 12, names: MONTHS };
// 7 is Sunday too in Unix cron.
const DAY_OF_WEEK: FieldSpec = { name: 'day-of-week', min: 0, max: 7, names: DAYS };
const FIELDS = [MINUTE, HOUR, DAY_OF_MONTH, MONTH, DAY_OF_WEEK] as const;

const MACROS: Readonly<Record<string, string>> = {
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
  '@monthly': '0 0 1 * *',
  '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@hourly': '0 * * * *',
};

function parseField(cron: string, text: string, spec: FieldSpec): Term[] {
  return text.split(',').map((part) => parseTerm(cron, part, spec));
}

function parseTerm(cron: string, part: string, spec: FieldSpec): Term {
  const match = /^(\*|[0-9A-Za-z]+)(?:-([0-9A-Za-z]+))?(?:\/(\d+))?$/.exec(part);
  if (match === null) {
    throw new CronConversionError(cron, `the ${spec.name} term "${part}" is not Unix cron syntax.`, 'use *, N, A-B or a step such as */5; L, W, # and ? are not Unix cron.');
  }
  const [, start = '', end, stepText] = match;
  const step = stepText === undefined ? undefined : Number(stepText);
  if (step !== undefined && step < 1) {
    throw new CronConversionError(cron, `the ${spec.name} step "/${stepText}" must be at least 1.`, 'use a positive step such as */5.');
  }
  if (start === '*') {
    if (end !== undefined) throw new CronConversionError(cron, `the ${spec.name} term "${part}" has a range after "*".`, 'write either * or A-B.');
    return { from: '*', to: spec.max, step };
  }
  const from = parseValue(cron, start, spec);
  const to = end === undefined ? (step === undefined ? from : spec.max) : parseValue(cron, end, spec);
  if (to < from) {
    throw new CronConversionError(cron, `the ${spec.name} range "${part}" runs backwards.`, `write the smaller value first; ${spec.name} runs ${spec.min}-${spec.max}.`);
  }
  return { from, to, step };
}

function parseValue(cron: string, text: string, spec: FieldSpec): number {
  const named = spec.names?.indexOf(text.toUpperCase()) ?? -1;
  if (named >= 0) return named + (spec.name === 'month' ? 1 : 0);
  const value = /^\d+$/.test(text) ? Number(text) : Number.NaN;
  if (!(value >= spec.min && value <= spec.max)) {
    throw new CronConversionError(cron, `the ${spec.name} value "${text}" is out of range.`, `use ${spec.min}-${spec.max}${spec.names ? ` or ${spec.names.join(', ')}` : ''}.`);
  }
  return value;
}

function isWildcard(terms: readonly Term[]): boolean {
  const [only] = terms;
  return terms.length === 1 && only?.from === '*' && only.step === undefined;
}

/** Values a term selects, for steps EventBridge cannot write directly. */
function expand(term: Term, spec: FieldSpec): number[] {
  const from = term.from === '*' ? spec.min : term.from;
  const values: number[] = [];
  for (let v = from; v <= term.to; v += term.step ?? 1) values.push(v);
  return values;
}

/** Minute, hour, day-of-month and month keep Unix numbering; only stepped ranges need writing out. */
function renderPlain(terms: readonly Term[], spec: FieldSpec): string {
  return terms
    .map((term) => {
      if (term.from === '*') return term.step === undefined ? '*' : `${spec.min}/${term.step}`;
      if (term.step === undefined) return term.from === term.to ? `${term.from}` : `${term.from}-${term.to}`;
      // `A/N` (no range) runs from A to the field's end, which EventBridge writes the same way.
      if (term.to === spec.max) return `${term.from}/${term.step}`;
      return expand(term, spec).join(',');
    })
    .join(',');
}

/** Day-of-week: Unix 0-7 (0 and 7 = Sunday) to EventBridge 1-7 (1 = Sunday); EventBridge has no steps here. */
function renderDayOfWeek(terms: readonly Term[]): string {
  const parts = terms.map((term) => {
    if (term.from === '*' || term.step !== undefined) {
      const days = expand(term.from === '*' ? { ...term, to: 6 } : term, DAY_OF_WEEK).map((d) => (d % 7) + 1);
      return [...new Set(days)].join(',');
    }
    if (term.to <= 6) return term.from === term.to ? `${term.from + 1}` : `${term.from + 1}-${term.to + 1}`;
    // The range reaches Unix 7, Sunday again, which is EventBridge's first day.
    if (term.from === 0) return '1-7';
    if (term.from === 7) return '1';
    return term.from === 6 ? '7,1' : `${term.from + 1}-7,1`;
  });
  return parts.join(',');
}
