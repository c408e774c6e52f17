import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Group commit for one flush target (a directory, a log file): `sync()` resolves once a flush
 * that began after the call has completed. A flush already running may have started before the
 * caller's write, so callers arriving meanwhile join the next flush, which all of them share:
 * many concurrent writers cost one fsync per round instead of one each. With `gatherMs`, each
 * flush waits that long before it starts, so that the writers of that moment share it too.
 */
export class GroupCommit {
  /** The flush in progress (or gathering, see below). */
  private running: Promise<void> | undefined;
  /** Set while the flush in `running` has not begun yet: a caller arriving now is covered by it. */
  private gathering: Promise<void> | undefined;
  /** The flush that starts when `running` ends; every caller that came during `running` shares it. */
  private queued: Promise<void> | undefined;

  constructor(
    private readonly flush: () => Promise<void>,
    private readonly gatherMs = 0,
  ) {}

  sync(): Promise<void> {
    if (this.gathering !== undefined) return this.gathering;
    const { running } = this;
    if (running === undefined) return this.start();
    this.queued ??= running
      .catch(() => undefined)
      .then(() => {
        this.queued = undefined;
        return this.start();
      });
    return this.queued;
  }

  /** True while a flush runs or waits to run. */
  get busy(): boolean {
    return this.running !== undefined || this.queued !== undefined;
  }

  private start(): Promise<void> {
    const begin = () => {
      this.gathering = undefined;
      return this.flush();
    };
    const run = (this.gatherMs > 0 ? sleep(this.gatherMs).then(begin) : begin()).finally(() => {
      if (this.running === run) this.running = undefined;
    });
    this.running = run;
    if (this.gatherMs > 0) this.gathering = run;
    return run;
  }
}
