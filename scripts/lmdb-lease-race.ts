/**
 * Reproduces, with lmdb-js alone, the cross-process race behind issue 19's lease flake: `--processes`
 * long-lived processes each open one new environment per round (a few milliseconds apart at
 * random), then take keys `0` .. `--keys - 1` in order with Trustline's pattern: read the key and
 * write it only if absent, awaiting the commit and its flush. The check runs inside one async
 * `transaction()` (Trustline's pattern before 2026-12-04) or, with `--conditional`, as lmdb-js's
 * `ifNoExists` conditional write (the pattern of lib/store/local today).
 * A key granted to two processes, or a process that dies (LMDB's `mdb_page_touch` errors), is a
 * failure. `--options` is the JSON of lmdb's `open()` options under test.
 *
 *   npx tsx scripts/lmdb-lease-race.ts [--rounds 1000] [--processes 6] [--keys 10] [--fresh] [--conditional] [--settle 0] [--options '{"overlappingSync":false}']
 *
 * With `--settle MS`, each racer writes once after opening, then waits MS before racing: the race
 * among processes that have had the environment open a while, as servers have.
 * With `--fresh`, every round has new processes, as test/store/local-processes.test.ts starts them
 * (slower: a process start per racer and round). Exit 0 when every round granted each key exactly
 * once, 1 otherwise. Environments are never closed, as Trustline never closes its own; their
 * directories are removed at the end.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { open, type RootDatabase } from 'lmdb';

const { values } = parseArgs({
  options: {
    rounds: { type: 'string', default: '1000' },
    processes: { type: 'string', default: '6' },
    keys: { type: 'string', default: '10' },
    options: { type: 'string', default: '{}' },
    fresh: { type: 'boolean', default: false },
    conditional: { type: 'boolean', default: false },
    settle: { type: 'string', default: '0' },
    racer: { type: 'string' },
  },
});
const keys = Number(values.keys);
const settle = Number(values.settle);
const ROUND_TIMEOUT_MS = 30_000 + settle;
const options = JSON.parse(values.options) as Record<string, unknown>;

/** One racer: for each environment path on stdin, the JSON list of the keys it was granted. */
async function race(owner: string): Promise<void> {
  for await (const file of createInterface({ input: process.stdin })) {
    await sleep(Math.random() * 15);
    const root: RootDatabase = open({ path: file, noSubdir: true, encoding: 'binary', maxDbs: 4, ...options });
    const items = root.openDB<Buffer, string>('item-values', { encoding: 'binary', useVersions: true });
    if (settle > 0) {
      // Every racer writes once, then all wait until each has had the environment open a while.
      await items.put(`opened-${owner}`, Buffer.from(owner), 1);
      await sleep(settle + Math.random() * 15);
    }
    const won: number[] = [];
    for (let key = 0; key < keys; key++) {
      const name = `lease-${String(key)}`;
      const write = () => void items.put(name, Buffer.from(owner), randomBytes(6).readUIntBE(0, 6));
      const committed = values.conditional
        ? items.ifNoExists(name, write)
        : root.transaction(() => (items.getEntry(name) === undefined ? (write(), true) : false));
      const flushed = new Promise((resolve, reject) => void root.flushed.then(resolve, reject));
      if (await committed) won.push(key);
      await flushed;
    }
    process.stdout.write(`${JSON.stringify(won)}\n`);
  }
}

async function main(): Promise<number> {
  const dir = await mkdtemp(path.join(tmpdir(), 'lmdb-lease-race-'));
  const start = () =>
    Array.from({ length: Number(values.processes) }, (_, i) => {
      const child = spawn(process.execPath, [
        ...process.execArgv,
        fileURLToPath(import.meta.url),
        '--racer',
        `p${String(i)}`,
        '--keys',
        String(keys),
        '--options',
        values.options,
        ...(values.conditional ? ['--conditional'] : []),
        '--settle',
        values.settle,
      ]);
      child.stderr.on('data', (chunk: Buffer) => process.stderr.write(chunk));
      return { child, lines: createInterface({ input: child.stdout })[Symbol.asyncIterator]() };
    });
  let racers = start();
  let failed = 0;
  try {
    for (let round = 0; round < Number(values.rounds); round++) {
      if (values.fresh && round > 0) {
        for (const { child } of racers) child.kill();
        racers = start();
      }
      for (const { child } of racers) child.stdin.write(`${path.join(dir, `round-${String(round)}.mdb`)}\n`);
      // lmdb-js only logs some commit errors (MDB_PROBLEM) and never settles that commit: a racer silent this long hangs.
      const hung = sleep(ROUND_TIMEOUT_MS, 'hung' as const, { ref: false });
      const answers = await Promise.race([Promise.all(racers.map(async ({ lines }) => lines.next())), hung]);
      if (answers === 'hung' || answers.some((answer) => answer.done === true)) {
        console.log(`round ${String(round)}: a racer ${answers === 'hung' ? 'hung' : 'died'} (its error, if any, is above)`);
        return 1;
      }
      const granted = answers.flatMap((answer) => JSON.parse(answer.value as string) as number[]).sort((a, b) => a - b);
      if (granted.join() !== Array.from({ length: keys }, (_, i) => i).join()) {
        failed++;
        console.log(`round ${String(round)}: granted ${JSON.stringify(granted)}`);
      }
    }
    console.log(
      `${String(failed)} of ${values.rounds} rounds granted a key twice or not at all (options ${values.options}${values.conditional ? ', conditional writes' : ''}${settle > 0 ? `, settled ${String(settle)} ms` : ''})`,
    );
    return failed === 0 ? 0 : 1;
  } finally {
    for (const { child } of racers) child.kill();
    await rm(dir, { recursive: true, force: true });
  }
}

if (values.racer !== undefined) await race(values.racer);
else process.exitCode = await main();
