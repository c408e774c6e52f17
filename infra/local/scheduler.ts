import { Cron } from 'croner';
import type { FunctionSpec, Schedule } from '../../functions/manifest.ts';
import { type ScheduledInvocation, scheduledInvocation } from '../../functions/scheduled-event.ts';
import { logger } from '../../lib/observe/index.ts';
import { InvalidScheduleError } from './errors.ts';

export interface ScheduledJob {
  readonly fn: FunctionSpec;
  readonly schedule: Schedule;
}

export interface RunningScheduler {
  /** Each job with its next run (UTC), for the banner. */
  readonly jobs: readonly (ScheduledJob & { readonly nextRun: Date | undefined })[];
  /** Stops every timer; resolves once the runs in progress have finished. */
  stop(): Promise<void>;
}

/** Every schedule of the manifest, one job per cron. */
export function scheduledJobs(manifest: readonly FunctionSpec[]): ScheduledJob[] {
  return manifest.flatMap((fn) => (fn.schedules ?? []).map((schedule) => ({ fn, schedule })));
}

/** The payload EventBridge Scheduler sends on AWS, built by the same function, so handlers see one shape. */
export function scheduledEvent(job: ScheduledJob): ScheduledInvocation {
  return scheduledInvocation(job.fn.name, job.schedule.cron);
}

/**
 * Runs each job on its cron (UTC) in-process with croner. A failing run is logged and the
 * schedule carries on; a run that would overlap the previous one of the same job is skipped.
 */
export function startScheduler(jobs: readonly ScheduledJob[], invoke: (fn: FunctionSpec, event: unknown) => Promise<unknown>): RunningScheduler {
  const inFlight = new Set<Promise<void>>();
  const crons = jobs.map((job) => {
    let running = false;
    const run = async (): Promise<void> => {
      if (running) {
        logger.warn('Scheduled run skipped: the previous run is still in progress.', { function: job.fn.name, cron: job.schedule.cron });
        return;
      }
      running = true;
      try {
        await invoke(job.fn, scheduledEvent(job));
      } catch (error) {
        logger.error('Scheduled run failed; the schedule carries on.', { function: job.fn.name, cron: job.schedule.cron, error: error as Error });
      } finally {
        running = false;
      }
    };
    const tick = (): void => {
      const done = run();
      inFlight.add(done);
      void done.finally(() => inFlight.delete(done));
    };
    try {
      return new Cron(job.schedule.cron, { timezone: 'UTC' }, tick);
    } catch (error) {
      throw new InvalidScheduleError(job.fn.name, job.schedule.cron, { cause: error });
    }
  });
  return {
    jobs: jobs.map((job, i) => ({ ...job, nextRun: crons[i]?.nextRun() ?? undefined })),
    async stop() {
      for (const cron of crons) cron.stop();
      await Promise.all(inFlight);
    },
  };
}
