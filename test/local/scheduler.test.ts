import { setImmediate as turn } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { FunctionSpec } from '../../functions/manifest.ts';
import { InvalidScheduleError } from '../../infra/local/errors.ts';
import { scheduledJobs, startScheduler } from '../../infra/local/scheduler.ts';
import { rawHttp } from '../support/raw-http.ts';
import { logger } from '../../lib/observe/logger.ts';
import { callsOf } from './fixtures/calls.ts';
import { httpManifest, scheduleManifest } from './fixtures/manifest.ts';
import { type TestRuntime, startTestRuntime } from './start.ts';

/** Waits for `condition`; the deadline only bounds a broken run (a loaded machine may need many seconds). */
async function eventually(condition: () => boolean): Promise<void> {
  await vi.waitFor(() => { expect(condition()).toBe(true); }, { timeout: 25_000, interval: 50 });
}

describe('schedules in the local runtime', () => {
  let t: TestRuntime;
  beforeAll(async () => {
    t = await startTestRuntime({ manifest: [...httpManifest, ...scheduleManifest] });
  });
  afterAll(() => t.stop());

  it('runs a scheduled function on its cron with the payload EventBridge Scheduler sends on AWS', async () => {
    await eventually(() => callsOf('tick').length >= 1);
    expect(callsOf('tick')[0]).toEqual({ source: 'trustline.schedule', function: 'tick', cron: '* * * * * *' });
  });

  it('keeps running a schedule whose runs fail, and keeps serving HTTP', async () => {
    await eventually(() => callsOf('failing-tick').length >= 2);
    expect((await rawHttp(t.rt.url, { path: '/health' })).status).toBe(200);
  });

  it('lists every schedule with its next run', () => {
    expect(t.rt.schedules.map((job) => job.fn.name)).toEqual(['tick', 'failing-tick']);
    expect(t.rt.schedules.every((job) => job.nextRun instanceof Date)).toBe(true);
  });
});

describe('startScheduler', () => {
  const slow: FunctionSpec = { ...scheduleManifest[0]!, name: 'slow' };

  it('skips a run that would overlap the previous run of the same function, and stop() waits for the run in progress', async () => {
    const warn = vi.spyOn(logger, 'warn').mockImplementation(() => undefined);
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let invocations = 0;
    const scheduler = startScheduler(scheduledJobs([slow]), async () => {
      invocations += 1;
      await gate;
    });
    const skips = () => warn.mock.calls.filter(([message]) => typeof message === 'string' && message.startsWith('Scheduled run skipped')).length;
    try {
      await eventually(() => skips() >= 1);
      expect(invocations).toBe(1);
    } finally {
      let stopped = false;
      const stopping = scheduler.stop().then(() => (stopped = true));
      // However many turns of the event loop pass, stop() cannot resolve while the run is held.
      for (let i = 0; i < 20; i++) await turn();
      expect(stopped).toBe(false);
      release();
      await stopping;
      warn.mockRestore();
    }
  });

  it('refuses a cron expression it cannot read', () => {
    expect(() => startScheduler([{ fn: slow, schedule: { cron: 'every minute', description: 'bad' } }], () => Promise.resolve())).toThrow(InvalidScheduleError);
  });
});
