/**
 * A separate process on a shared data directory, as the server and the CLI are. It prints
 * `ready`, waits for the `go` file so that every worker starts at once, races for the leases
 * `lease-0` .. `lease-<count-1>` in that order, then increments the counter item `count` times
 * with conditional puts, and prints `{"acquired": [lease names won], "done": count}` last.
 *   store-worker.ts <dataDir> <goFile> <owner> <count>
 */
import { existsSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { ConditionFailedError } from '../../../lib/store/errors.ts';
import { createLocalStores } from '../../../lib/store/local/index.ts';
import { systemClock } from '../../../lib/clock.ts';

const [dataDir, goFile, owner, count] = process.argv.slice(2);
if (dataDir === undefined || goFile === undefined || owner === undefined || count === undefined) {
  throw new Error('usage: store-worker.ts <dataDir> <goFile> <owner> <count>');
}
const { metadata, leases } = createLocalStores({ dataDir, clock: systemClock });

process.stdout.write('ready\n');
for (let i = 0; i < 5_000 && !existsSync(goFile); i++) await sleep(2);

const acquired: string[] = [];
for (let i = 0; i < Number(count); i++) {
  if (await leases.acquire(`lease-${i}`, owner, 60_000)) acquired.push(`lease-${i}`);
}

async function increment(): Promise<void> {
  for (let attempt = 0; attempt < 1_000; attempt++) {
    const current = await metadata.get<number>('counter', 'shared');
    try {
      await metadata.put({ kind: 'counter', id: 'shared', data: (current?.data ?? 0) + 1 }, { expectedVersion: current?.version ?? 'absent' });
      return;
    } catch (error) {
      if (!(error instanceof ConditionFailedError)) throw error;
    }
  }
  throw new Error('increment never succeeded');
}
for (let done = 0; done < Number(count); done++) await increment();

process.stdout.write(`${JSON.stringify({ acquired, done: Number(count) })}\n`);
