import { readdir, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { prepareDataDirectory } from './data-directory.ts';
import { type LocalDatabase, openDatabase } from './database.ts';

/** Where Linux publishes an id that is new at every boot. */
const BOOT_ID_FILE = '/proc/sys/kernel/random/boot_id';
/** A lease environment's files: `leases-<boot id>.mdb` and its `-lock` beside it. */
const LEASE_FILE = /^leases-(.+)\.mdb(-lock)?$/;

/** The lease environment of the boot `bootId`. */
export const leaseDatabaseFile = (bootId: string): string => `leases-${bootId}.mdb`;

/**
 * Opens the data directory's lease database. Leases need atomic conditional writes seen by every
 * process on the directory and surviving a process crash, not a flush: a lease ends within
 * minutes, and a reboot ends every holder. So they live in an environment of their own that
 * commits without flushing (a refresh then waits on no flush for its lease), named for the
 * kernel's boot: an OS crash can leave such a file inconsistent, so the files of other boots are
 * deleted at open — no process still running uses them.
 *
 * Without a boot id (not Linux) a file from before a crash could not be told from a live one,
 * so the leases stay in the flushed `store.mdb`, their writes queued behind its flushes.
 */
export async function openLeaseDatabase(dataDir: string): Promise<LocalDatabase> {
  const bootId = await readBootId();
  if (bootId === undefined) return openDatabase(dataDir);
  await prepareDataDirectory(dataDir);
  await removeOtherBoots(dataDir, bootId);
  return openDatabase(dataDir, { name: leaseDatabaseFile(bootId), noSync: true });
}

/** The kernel's boot id, or undefined where there is none. */
export async function readBootId(): Promise<string | undefined> {
  try {
    const id = (await readFile(BOOT_ID_FILE, 'utf8')).trim();
    return id === '' ? undefined : id;
  } catch {
    return undefined;
  }
}

async function removeOtherBoots(dataDir: string, bootId: string): Promise<void> {
  const stale = (await readdir(dataDir)).filter((name) => {
    const match = LEASE_FILE.exec(name);
    return match !== null && match[1] !== bootId;
  });
  await Promise.all(stale.map((name) => rm(path.join(dataDir, name), { force: true })));
}
