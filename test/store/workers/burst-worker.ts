/**
 * Creates items `burst-0`, `burst-1`, ... on the data directory (with `leases`: acquires leases
 * of those names for the owner `burst-worker`), up to 8 at once, and prints `created <id>` for
 * each once its put (or acquire) has resolved, until it is killed.
 *   burst-worker.ts <dataDir> [leases]
 */
import { createLocalStores } from '../../../lib/store/local/index.ts';
import { systemClock } from '../../../lib/clock.ts';

const [dataDir, mode] = process.argv.slice(2);
if (dataDir === undefined) throw new Error('usage: burst-worker.ts <dataDir> [leases]');
const { metadata, leases } = createLocalStores({ dataDir, clock: systemClock });

const create = async (id: string): Promise<void> => {
  if (mode !== 'leases') {
    await metadata.put({ kind: 'burst', id, data: { id } }, { expectedVersion: 'absent' });
  } else if ((await leases.acquire(id, 'burst-worker', 10 * 60_000)) === undefined) {
    throw new Error(`lease ${id} was refused`);
  }
};

let next = 0;
async function lane(): Promise<void> {
  for (;;) {
    const id = `burst-${next++}`;
    await create(id);
    process.stdout.write(`created ${id}\n`);
  }
}
await Promise.all(Array.from({ length: 8 }, lane));
