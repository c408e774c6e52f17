/**
 * Group commit for one flush target (a directory, a log file): `sync()` resolves once a flush
 * that began after the call has completed. A flush already running may have started before the
 * caller's write, so callers arriving meanwhile join the next flush, which all of them share:
 * many concurrent writers cost one fsync per round instead of one each.
 */
export class GroupCommit {
  /** The flush in progress. */
  private running: Promise<void> | undefined;
  /** The flush that starts when `running` ends; every caller that came during `running` shares it. */
  private queued: Promise<void> | undefined;

  constructor(private readonly flush: () => Promise<void>) {}

  sync(): Promise<void> {
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
    const run = this.flush().finally(() => {
      if (this.running === run) this.running = undefined;
    });
    this.running = run;
    return run;
  }
}
