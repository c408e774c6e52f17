import { describe, expect, it } from 'vitest';
import { KeyedMutex } from '../../lib/store/local/keyed-mutex.ts';

/** A promise the test settles by hand, to hold a critical section open. */
function gate(): { promise: Promise<void>; open: () => void } {
  let open = (): void => undefined;
  const promise = new Promise<void>((resolve) => (open = resolve));
  return { promise, open };
}

describe('KeyedMutex', () => {
  it('runs callers of one key one at a time, in call order', async () => {
    const mutex = new KeyedMutex();
    const first = gate();
    const events: string[] = [];
    const runs = [
      mutex.run('k', async () => {
        events.push('a start');
        await first.promise;
        events.push('a end');
      }),
      mutex.run('k', async () => {
        events.push('b');
        await Promise.resolve();
      }),
      mutex.run('k', async () => {
        events.push('c');
        await Promise.resolve();
      }),
    ];
    await new Promise((resolve) => setImmediate(resolve));
    expect(events).toEqual(['a start']);
    first.open();
    await Promise.all(runs);
    expect(events).toEqual(['a start', 'a end', 'b', 'c']);
  });

  it('lets callers of different keys run at the same time', async () => {
    const mutex = new KeyedMutex();
    const held = gate();
    const holding = mutex.run('one', () => held.promise);
    await expect(mutex.run('two', () => Promise.resolve('ran'))).resolves.toBe('ran');
    held.open();
    await holding;
  });

  it("hands over to the next caller when a holder fails, and gives the failure to that holder's caller only", async () => {
    const mutex = new KeyedMutex();
    const failing = mutex.run('k', () => Promise.reject(new Error('boom')));
    const next = mutex.run('k', () => Promise.resolve('next ran'));
    await expect(failing).rejects.toThrow('boom');
    await expect(next).resolves.toBe('next ran');
  });

  it('keeps nothing for a key once its last caller is done', async () => {
    const mutex = new KeyedMutex();
    await Promise.all(Array.from({ length: 5 }, (_, i) => mutex.run(`k${i % 2}`, () => Promise.resolve(i))));
    expect(mutex.busyKeys).toBe(0);
  });
});
