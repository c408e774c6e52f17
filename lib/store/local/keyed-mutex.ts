/**
 * An in-process mutex per key. Callers of `run` with the same key go one at a time, in call
 * order, each starting the moment the previous one settles: no polling, no timers. It sits in
 * front of the cross-process file lock so that contenders inside one process queue here instead
 * of sleeping and retrying on the lock file.
 */
export class KeyedMutex {
  /** Per key: settles once the last caller queued so far has finished. */
  private readonly tails = new Map<string, Promise<void>>();

  /** Runs `fn` once every earlier `run` on `key` has settled; its result or error is the caller's. */
  async run<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key);
    let finish = (): void => undefined;
    const finished = new Promise<void>((resolve) => (finish = resolve));
    // Tails never reject: a failing holder still hands over to the next caller.
    const tail = previous === undefined ? finished : previous.then(() => finished);
    this.tails.set(key, tail);
    try {
      if (previous !== undefined) await previous;
      return await fn();
    } finally {
      finish();
      if (this.tails.get(key) === tail) this.tails.delete(key);
    }
  }

  /** Keys with a holder or waiters; 0 when idle (nothing is retained per key). */
  get busyKeys(): number {
    return this.tails.size;
  }
}
