import { Cron } from 'croner';
import { describe, expect, it } from 'vitest';
import { CronConversionError } from '../../functions/manifest-errors.ts';
import { scheduleExpression } from '../../infra/aws/schedule.ts';

describe('scheduleExpression', () => {
  it.each([
    ['*/5 * * * *', 'cron(0/5 * * * ? *)'],
    ['0 * * * *', 'cron(0 * * * ? *)'],
    ['0 3 * * *', 'cron(0 3 * * ? *)'],
    ['15 2 1 * *', 'cron(15 2 1 * ? *)'],
    ['0 9 * * MON-FRI', 'cron(0 9 ? * MON-FRI *)'],
    ['0 0 * * sun,wed', 'cron(0 0 ? * SUN,WED *)'],
    ['0-30/10 */6 * * *', 'cron(0-30/10 0/6 * * ? *)'],
    ['0 0 */2 1-3 *', 'cron(0 0 1/2 1-3 ? *)'],
  ])('writes %s as %s, in UTC', (unix, eventBridge) => {
    const expression = scheduleExpression(unix);
    expect(expression.expressionString).toBe(eventBridge);
    expect(expression.timeZone?.timezoneName).toBe('Etc/UTC');
  });

  it.each([
    ['0 0 1 * MON', /both day-of-month and day-of-week/],
    ['0 0 * *', /4 fields/],
    ['0 0 0 * * *', /6 fields/],
    ['@daily', /1 fields/],
    ['0 0 * * 1-5', /day-of-week field "1-5" is not "\*" or day names/],
    ['0 0 L * *', /day field "L" is not plain Unix cron/],
    ['0 0 ? * *', /day field "\?" is not plain Unix cron/],
    ['0 0 * * MON#2', /day-of-week field "MON#2"/],
  ])('refuses %s with a clear reason', (unix, reason) => {
    const error = catchError(() => scheduleExpression(unix));
    expect(error).toBeInstanceOf(CronConversionError);
    expect(error).toMatchObject({ code: 'CRON_NOT_CONVERTIBLE', actual: unix });
    expect((error as Error).message).toMatch(reason);
  });

  // Differential check against croner (the local runtime's scheduler, Unix semantics): the
  // EventBridge expression must fire at exactly the same minutes, sampled every 37 minutes across two years.
  it.each(['*/5 * * * *', '7 */3 * * *', '0 9 * * MON-FRI', '30 1 * * FRI-SAT', '0-30/10 4 1-15 */4 *', '45 23 31 * *', '0 0 * * SUN,WED'])(
    'fires at the same minutes as Unix cron: %s',
    (unix) => {
      const local = new Cron(unix, { timezone: 'UTC', paused: true });
      const converted = scheduleExpression(unix).expressionString;
      const start = Date.UTC(2027, 0, 1);
      const mismatches: string[] = [];
      for (let t = start; t < start + 2 * 366 * 86_400_000 && mismatches.length < 3; t += 37 * 60_000) {
        const at = new Date(t);
        if (local.match(at) !== eventBridgeMatches(converted, at)) mismatches.push(at.toISOString());
      }
      expect(mismatches).toEqual([]);
    },
  );
});

function catchError(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  return undefined;
}

const DAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];

/** A minimal EventBridge cron matcher for what scheduleExpression emits: `*`, `?`, N, A-B, A/N, A-B/N, day names, lists. */
function eventBridgeMatches(expression: string, at: Date): boolean {
  const fields = /^cron\((.*)\)$/.exec(expression)![1]!.split(' ');
  const actual = [at.getUTCMinutes(), at.getUTCHours(), at.getUTCDate(), at.getUTCMonth() + 1, at.getUTCDay() + 1];
  const max = [59, 23, 31, 12, 7];
  const value = (text: string) => (DAYS.includes(text) ? DAYS.indexOf(text) + 1 : Number(text));
  return actual.every((now, i) =>
    fields[i]!.split(',').some((term) => {
      if (term === '*' || term === '?') return true;
      const [range = '', stepText] = term.split('/');
      const [from, to = stepText === undefined ? from : String(max[i])] = range.split('-');
      const step = Number(stepText ?? 1);
      return now >= value(from!) && now <= value(to!) && (now - value(from!)) % step === 0;
    }),
  );
}
