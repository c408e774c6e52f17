import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setImmediate as turn } from 'node:timers/promises';
import { describe, expect, it, vi } from 'vitest';
import type { FunctionSpec } from '../../functions/manifest.ts';
import { ManifestError } from '../../functions/manifest-errors.ts';
import { InvalidScheduleError } from '../../infra/local/errors.ts';
import { createInvoker } from '../../infra/local/functions.ts';
import { scheduledJobs, startScheduler } from '../../infra/local/scheduler.ts';
import { logger } from '../../lib/observe/logger.ts';
import { callsOf } from './fixtures/calls.ts';
import { httpManifest, minuteManifest, scheduleManifest } from './fixtures/manifest.ts';
import { startTestRuntime } from './start.ts';

/** Waits for `condition`; the deadline only bounds a broken run (a loaded machine may need many seconds). */
async function eventually(condition: () => boolean): Promise<void> {
  await vi.waitFor(
    () => {
      expect(condition()).toBe(true);
    },
    { timeout: 25_000, interval: 50 },
  );
}

describe('schedules in the local runtime', () => {
  it('lists every schedule of the manifest with its next run', async () => {
    const t = await startTestRuntime({ manifest: [...httpManifest, ...minuteManifest] });
    try {
      expect(t.rt.schedules.map((job) => job.fn.name)).toEqual(['tick', 'failing-tick']);
      expect(t.rt.schedules.every((job) => job.nextRun instanceof Date)).toBe(true);
    } finally {
      await t.stop();
    }
  });

  it('refuses to start on a schedule EventBridge Scheduler cannot run, as cdk synth does', async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'trustline-local-'));
    try {
      const started = startTestRuntime({ manifest: [...httpManifest, ...scheduleManifest], dataDir });
      await expect(started).rejects.toBeInstanceOf(ManifestError);
      await expect(started).rejects.toMatchObject({ code: 'MANIFEST_INVALID', functionName: 'tick' });
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});

describe('startScheduler', () => {
  it('runs each function on its cron with the payload EventBridge Scheduler sends on AWS, and carries on after failed runs', async () => {
    const scheduler = startScheduler(scheduledJobs(scheduleManifest), createInvoker());
    try {
      await eventually(() => callsOf('tick').length >= 1);
      expect(callsOf('tick')[0]).toEqual({ source: 'trustline.schedule', function: 'tick', cron: '* * * * * *' });
      await eventually(() => callsOf('failing-tick').length >= 2);
    } finally {
      await scheduler.stop();
    }
  });

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
