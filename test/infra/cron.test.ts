import { Cron } from 'croner';
import { describe, expect, it } from 'vitest';
import { toEventBridgeCron } from '../../infra/aws/cron.ts';
import { CronConversionError } from '../../infra/aws/errors.ts';

describe('toEventBridgeCron', () => {
  it.each([
    ['*/5 * * * *', 'cron(0/5 * * * ? *)'],
    ['0 3 * * *', 'cron(0 3 * * ? *)'],
    ['15 2 1 * *', 'cron(15 2 1 * ? *)'],
    ['0 9 * * 1-5', 'cron(0 9 ? * 2-6 *)'],
    ['0 0 * * 0', 'cron(0 0 ? * 1 *)'],
    ['0 0 * * 7', 'cron(0 0 ? * 1 *)'],
    ['0 0 * * 6', 'cron(0 0 ? * 7 *)'],
    ['0 0 * * MON,fri', 'cron(0 0 ? * 2,6 *)'],
    ['0 0 * * 5-7', 'cron(0 0 ? * 6-7,1 *)'],
    ['0 0 * * 6-7', 'cron(0 0 ? * 7,1 *)'],
    ['0 0 * * */2', 'cron(0 0 ? * 1,3,5,7 *)'],
    ['0-30/10 */6 * * *', 'cron(0,10,20,30 0/6 * * ? *)'],
    ['0 0 */2 JAN-mar *', 'cron(0 0 1/2 1-3 ? *)'],
    ['@daily', 'cron(0 0 * * ? *)'],
    ['@weekly', 'cron(0 0 ? * 1 *)'],
  ])('converts %s to %s', (unix, eventBridge) => {
    expect(toEventBridgeCron(unix)).toBe(eventBridge);
  });

  it.each([
    ['0 0 1 * 1', /both day-of-month and day-of-week/],
    ['0 0 * *', /4 fields/],
    ['0 0 0 * * *', /6 fields/],
    ['60 * * * *', /minute value "60" is out of range/],
    ['0 0 * * 8', /day-of-week value "8" is out of range/],
    ['0 0 L * *', /day-of-month value "L" is out of range/],
    ['0 0 ? * 1', /day-of-month term "\?" is not Unix cron syntax/],
    ['0 0 * * 1#2', /day-of-week term "1#2" is not Unix cron syntax/],
    ['*/0 * * * *', /step "\/0" must be at least 1/],
    ['30-10 * * * *', /runs backwards/],
    ['@reboot', /not a schedule macro/],
  ])('rejects %s with a clear reason', (unix, reason) => {
    const error = catchError(() => toEventBridgeCron(unix));
    expect(error).toBeInstanceOf(CronConversionError);
    expect(error).toMatchObject({ code: 'CRON_NOT_CONVERTIBLE', actual: unix });
    expect((error as Error).message).toMatch(reason);
  });

  // Differential check against croner (the local runtime's scheduler, Unix semantics): the converted
  // expression must fire at exactly the same minutes, sampled every 37 minutes across two years.
  it.each(['*/5 * * * *', '7 */3 * * *', '0 9 * * 1-5', '30 1 * * 5-7', '0 12 * * */2', '0-30/10 4 1-15 */4 *', '45 23 31 * *', '0 0 * * 0,3'])(
    'fires at the same minutes as Unix cron: %s',
    (unix) => {
      const local = new Cron(unix, { timezone: 'UTC', paused: true });
      const converted = toEventBridgeCron(unix);
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

/** A minimal EventBridge cron matcher (the subset toEventBridgeCron emits): `*`, `?`, N, A-B, A/N, lists. */
function eventBridgeMatches(expression: string, at: Date): boolean {
  const fields = /^cron\((.*)\)$/.exec(expression)![1]!.split(' ');
  const actual = [at.getUTCMinutes(), at.getUTCHours(), at.getUTCDate(), at.getUTCMonth() + 1, at.getUTCDay() + 1];
  const max = [59, 23, 31, 12, 7];
  return actual.every((value, i) =>
    fields[i]!.split(',').some((term) => {
      if (term === '*' || term === '?') return true;
      const step = /^(\d+)\/(\d+)$/.exec(term);
      if (step) return value >= Number(step[1]) && value <= max[i]! && (value - Number(step[1])) % Number(step[2]) === 0;
      const [from, to = from] = term.split('-').map(Number);
      return value >= from! && value <= to!;
    }),
  );
}
