import { CronConversionError } from './manifest-errors.ts';

/** Fields whose Unix cron terms EventBridge reads the same way: digits, `*`, lists, ranges and steps. */
const PLAIN = /^(\*|\d+(-\d+)?)(\/\d+)?(,(\*|\d+(-\d+)?)(\/\d+)?)*$/;
/** Day-of-week by name only: Unix counts 0-6 from Sunday, EventBridge 1-7, but the names agree. */
const DAY = '(SUN|MON|TUE|WED|THU|FRI|SAT)';
const DAY_NAMES = new RegExp(`^(\\*|${DAY}(-${DAY})?(,${DAY}(-${DAY})?)*)$`, 'i');
const FIELD_MIN = { minute: 0, hour: 0, day: 1, month: 1 } as const;

/** A schedule's fields as EventBridge Scheduler's cron reads them (the shape of CDK's CronOptionsWithTimezone, less the zone). */
export interface EventBridgeCron {
  readonly minute: string;
  readonly hour: string;
  readonly month: string;
  readonly day?: string;
  readonly weekDay?: string;
}

/**
 * The manifest's five-field Unix cron (UTC) in EventBridge Scheduler's terms. Only the forms both
 * read alike are accepted; anything else is a CronConversionError saying how to write it. Pure, so
 * the local runtime refuses at start what `cdk synth` would refuse.
 *
 * @example eventBridgeCron('*\/5 * * * *') // { minute: '0/5', hour: '*', month: '*', day: '*' }
 */
export function eventBridgeCron(cron: string): EventBridgeCron {
  const fields = cron.trim().split(/\s+/);
  if (fields.length !== 5) {
    throw new CronConversionError(
      cron,
      `it has ${fields.length} fields where five are expected.`,
      'write minute hour day-of-month month day-of-week, without seconds, a year or a macro such as @daily.',
    );
  }
  const [minute, hour, day, month, weekDay] = fields as [string, string, string, string, string];
  const plain = { minute, hour, day, month };
  for (const [name, value] of Object.entries(plain)) {
    if (!PLAIN.test(value)) {
      throw new CronConversionError(cron, `the ${name} field "${value}" is not plain Unix cron.`, 'use *, N, A-B, lists and steps such as */5.');
    }
  }
  if (!DAY_NAMES.test(weekDay)) {
    throw new CronConversionError(
      cron,
      `the day-of-week field "${weekDay}" is not "*" or day names.`,
      'name the days (MON-FRI, SUN): Unix and EventBridge number them differently.',
    );
  }
  if (day !== '*' && weekDay !== '*') {
    throw new CronConversionError(
      cron,
      'it restricts both day-of-month and day-of-week; Unix cron runs when either matches, EventBridge cannot combine them.',
      'keep one of the two as "*" and split the rest into a second schedule.',
    );
  }
  // EventBridge writes a step from the field's first value (0/5), where Unix also allows */5.
  const stepped = (name: keyof typeof FIELD_MIN) => plain[name].replaceAll(/(^|,)\*\//g, `$1${FIELD_MIN[name]}/`);
  return {
    minute: stepped('minute'),
    hour: stepped('hour'),
    month: stepped('month'),
    ...(weekDay === '*' ? { day: stepped('day') } : { weekDay: weekDay.toUpperCase() }),
  };
}
