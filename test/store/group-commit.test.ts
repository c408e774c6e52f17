import { describe, expect, it } from 'vitest';
import { GroupCommit } from '../../lib/store/local/group-commit.ts';

/**
 * A flush target that the test drives: each flush records how many writes had been made when it
 * began, then waits until the test finishes it. No test here depends on how long anything takes.
 */
function drivenFlush() {
  const flushes: number[] = [];
  const unfinished: ((error?: Error) => void)[] = [];
  let onBegin: (() => void) | undefined;
  let writesSoFar = 0;
  return {
    flushes,
    write: () => {
      writesSoFar++;
    },
    flush: () =>
      new Promise<void>((resolve, reject) => {
        flushes.push(writesSoFar);
        unfinished.push((error) => { if (error === undefined) resolve(); else reject(error); });
        onBegin?.();
      }),
    /** Resolves once `count` flushes have begun. */
    begun: (count: number) =>
      new Promise<void>((resolve) => {
        onBegin = () => { if (flushes.length >= count) resolve(); };
        onBegin();
      }),
    /** Finishes the oldest unfinished flush. */
    finish: (error?: Error) => unfinished.shift()?.(error),
  };
}

describe('group commit', () => {
  it('lets concurrent callers share one flush, and a caller arriving during a flush wait for the next', async () => {
    const target = drivenFlush();
    const commit = new GroupCommit(target.flush);
    target.write();
    const first = commit.sync();
    await target.begun(1);
    // These three wrote after the first flush began: it may not cover them.
    const later = [0, 1, 2].map(() => {
      target.write();
      return commit.sync();
    });
    target.finish();
    await first;
    await target.begun(2);
    target.finish();
    await Promise.all(later);
    expect(target.flushes).toEqual([1, 4]);
    expect(commit.busy).toBe(false);
  });

  it('with a gathering time, lets the writers of that moment share the flush that a first one started', async () => {
    const target = drivenFlush();
    const commit = new GroupCommit(target.flush, 5);
    target.write();
    const first = commit.sync();
    // Still gathering (the flush waits 5 ms before it begins): this writer is covered by it.
    target.write();
    const second = commit.sync();
    await target.begun(1);
    // The flush has begun: a writer arriving now is not covered by it.
    target.write();
    const third = commit.sync();
    target.finish();
    await Promise.all([first, second]);
    expect(target.flushes).toEqual([2]);
    await target.begun(2);
    target.finish();
    await third;
    expect(target.flushes).toEqual([2, 3]);
  });

  it('passes a failed flush to its callers and starts the next one anyway', async () => {
    const target = drivenFlush();
    const commit = new GroupCommit(target.flush);
    const failing = commit.sync();
    await target.begun(1);
    const next = commit.sync();
    target.finish(new Error('EIO'));
    await expect(failing).rejects.toThrow('EIO');
    await target.begun(2);
    target.finish();
    await expect(next).resolves.toBeUndefined();
  });
});
