import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { GroupCommit } from '../../lib/store/local/group-commit.ts';

/** A flush that takes `ms` and records when it started and how many it covered. */
function recordingFlush(ms: number) {
  const flushes: number[] = [];
  let writesSoFar = 0;
  return {
    flushes,
    write: () => writesSoFar++,
    flush: async () => {
      flushes.push(writesSoFar);
      await sleep(ms);
    },
  };
}

describe('group commit', () => {
  it('lets concurrent callers share one flush, and a caller arriving during a flush wait for the next', async () => {
    const target = recordingFlush(20);
    const commit = new GroupCommit(target.flush);
    target.write();
    const first = commit.sync();
    await sleep(5);
    // These three wrote after the first flush began: it may not cover them.
    const later = [0, 1, 2].map(() => (target.write(), commit.sync()));
    await Promise.all([first, ...later]);
    expect(target.flushes).toEqual([1, 4]);
    expect(commit.busy).toBe(false);
  });

  it('with a gathering time, lets the writers of that moment share the flush that a first one started', async () => {
    const target = recordingFlush(20);
    const commit = new GroupCommit(target.flush, 30);
    target.write();
    const first = commit.sync();
    await sleep(5);
    target.write();
    const second = commit.sync();
    // The flush begins at 30 ms and runs until 50 ms: a writer arriving at 40 ms is not covered by it.
    await sleep(35);
    target.write();
    const third = commit.sync();
    await Promise.all([first, second]);
    expect(target.flushes).toEqual([2]);
    await third;
    expect(target.flushes).toEqual([2, 3]);
  });

  it('passes a failed flush to its callers and starts the next one anyway', async () => {
    let flushes = 0;
    const commit = new GroupCommit(async () => {
      await sleep(5);
      if (++flushes === 1) throw new Error('EIO');
    });
    const failing = commit.sync();
    await sleep(1);
    const next = commit.sync();
    await expect(failing).rejects.toThrow('EIO');
    await expect(next).resolves.toBeUndefined();
  });
});
