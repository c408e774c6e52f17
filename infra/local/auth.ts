import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { chmod, link, mkdir, readFile, stat, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { logger, pinSecret } from '../../lib/observe/index.ts';
import type { Config } from '../../lib/runtime/config.ts';
import { AdminTokenFileError } from './errors.ts';

export const ADMIN_TOKEN_FILE = 'admin-token';

/** Where the admin token came from; the token itself stays inside `verify`. */
export interface AdminAuth {
  readonly source: 'env' | 'file';
  /** The token file (when generated or reused), for the banner and the CLI. */
  readonly file: string | undefined;
  /** Whether an Authorization header carries the admin token (constant-time). */
  verify(authorization: string | undefined): boolean;
}

/**
 * The local admin token: TRUSTLINE_ADMIN_TOKEN when set, otherwise `<dataDir>/admin-token`,
 * generated (mode 0600) at the first start and reused after.
 */
export async function loadAdminAuth(config: Config): Promise<AdminAuth> {
  if (config.adminToken !== undefined) return bearerAuth(config.adminToken, 'env', undefined);
  const file = path.join(config.dataDir, ADMIN_TOKEN_FILE);
  return bearerAuth(await readOrCreateToken(file), 'file', file);
}

function bearerAuth(token: string, source: AdminAuth['source'], file: string | undefined): AdminAuth {
  pinSecret(token);
  // Comparing digests keeps the comparison constant-time whatever length the caller sends.
  const expected = digest(token);
  return {
    source,
    file,
    verify(authorization) {
      const presented = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(authorization ?? '')?.[1];
      return timingSafeEqual(digest(presented ?? ''), expected);
    },
  };
}

const digest = (text: string): Buffer => createHash('sha256').update(text, 'utf8').digest();

async function readOrCreateToken(file: string): Promise<string> {
  await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  const existing = await readToken(file);
  if (existing !== undefined) return existing;
  const token = randomBytes(32).toString('base64url');
  // Written to a private temp file, then hard-linked into place: a concurrent start either
  // wins the link or reads the complete token of the one that did; nobody sees a partial file.
  const temp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  await writeFile(temp, `${token}\n`, { mode: 0o600, flag: 'wx' });
  try {
    await link(temp, file);
    return token;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw new AdminTokenFileError(file, 'could not be created', { cause: error });
    const winner = await readToken(file);
    if (winner === undefined) throw new AdminTokenFileError(file, 'vanished while it was being created', { cause: error });
    return winner;
  } finally {
    await unlink(temp).catch(() => undefined);
  }
}

async function readToken(file: string): Promise<string | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new AdminTokenFileError(file, 'cannot be read', { cause: error });
  }
  const token = text.trim();
  if (token.length < 16 || /\s/.test(token)) throw new AdminTokenFileError(file, 'does not hold a token (at least 16 characters, no spaces)');
  const { mode } = await stat(file);
  if ((mode & 0o077) !== 0) {
    await chmod(file, 0o600);
    logger.warn('The admin token file was readable by other users; its mode is now 0600.', { file });
  }
  return token;
}
