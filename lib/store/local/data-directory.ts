import { chmod, mkdir, readdir, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { logger } from '../../observe/index.ts';
import { DataDirectoryOwnerError, LegacyDataDirectoryError } from '../errors.ts';

/**
 * Creates the data directory (mode 0700) or checks the one there: another user's directory is
 * refused, and one that others may read is made private again with a warning.
 */
export async function prepareDataDirectory(dataDir: string): Promise<void> {
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  await enforcePrivate(dataDir, 0o700);
  const names = await readdir(dataDir);
  const legacy = names.find((name) => /^(secrets|metadata)(\.\d+\.log)?$/.test(name));
  if (legacy !== undefined) throw new LegacyDataDirectoryError(dataDir, legacy);
  // Lease files of an earlier version (`leases-<boot id>.mdb`): leases now live in store.mdb.
  const oldLeases = names.filter((name) => /^leases-.+\.mdb(-lock)?$/.test(name));
  await Promise.all(oldLeases.map((name) => rm(path.join(dataDir, name), { force: true })));
}

/** Refuses `file` when another user owns it; takes group and other permissions off it, with a warning. */
export async function enforcePrivate(file: string, mode: 0o700 | 0o600): Promise<void> {
  const info = await stat(file);
  const uid = process.getuid?.();
  if (uid !== undefined && info.uid !== uid) throw new DataDirectoryOwnerError(file, info.uid, uid);
  if ((info.mode & 0o077) === 0) return;
  await chmod(file, mode);
  logger.warn(`${path.basename(file)} was open to other users; its mode is now ${mode.toString(8)}.`, { file });
}
