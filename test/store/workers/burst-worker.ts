/**
 * Creates items `burst-0`, `burst-1`, ... on the data directory, up to 8 at once, and prints
 * `created <id>` for each once its put has resolved, until it is killed.
 *   burst-worker.ts <dataDir>
 */
import { createLocalStores } from '../../../lib/store/local/index.ts';
import { systemClock } from '../../../lib/clock.ts';

const [dataDir] = process.argv.slice(2);
if (dataDir === undefined) throw new Error('usage: burst-worker.ts <dataDir>');
const { metadata } = createLocalStores({ dataDir, clock: systemClock });

let next = 0;
async function lane(): Promise<void> {
  for (;;) {
    const id = `burst-${next++}`;
    await metadata.put({ kind: 'burst', id, data: { id } }, { expectedVersion: 'absent' });
    process.stdout.write(`created ${id}\n`);
  }
}
await Promise.all(Array.from({ length: 8 }, lane));
