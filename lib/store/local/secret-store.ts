import { createHash, randomUUID } from 'node:crypto';
import path from 'node:path';
import * as z from 'zod';
import { registerSecret } from '../../observe/redact.ts';
import { StoreCorruptedError } from '../errors.ts';
import type { SecretStore } from '../ports.ts';
import { assertSecretName } from '../secret-name.ts';
import { readFileIfExists, removeFile, writeFileAtomic } from './atomic-file.ts';
import { type LockOptions, withFileLock } from './file-lock.ts';
import { UnsealCache } from './unseal-cache.ts';

export interface LocalSecretStoreOptions {
  /** Directory holding one file per secret. */
  readonly directory: string;
  readonly key: () => Promise<Buffer>;
  readonly lock: LockOptions;
}

const versionSchema = z.object({ versionId: z.string(), value: z.string() });
const secretFileSchema = z.object({ current: versionSchema, previous: versionSchema.optional() });
type SecretFile = z.infer<typeof secretFileSchema>;

/**
 * The embedded SecretStore: one file per secret holding its current and previous versions,
 * sealed with AES-256-GCM under the data directory's key with the secret's name as associated
 * data (a file copied under another secret's name does not decrypt).
 */
export function createLocalSecretStore(options: LocalSecretStoreOptions): SecretStore {
  const fileOf = (name: string) => path.join(options.directory, `${createHash('sha256').update(name, 'utf8').digest('hex')}.secret`);
  const opened = new UnsealCache();

  const read = async (name: string, file: string): Promise<SecretFile | undefined> => {
    const sealed = readFileIfExists(file);
    if (sealed === undefined) return undefined;
    const plaintext = opened.open(await options.key(), name, sealed, file);
    try {
      return secretFileSchema.parse(JSON.parse(plaintext));
    } catch (error) {
      throw new StoreCorruptedError(file, { cause: error });
    }
  };

  const locked = async <R>(name: string, change: (file: string, stored: SecretFile | undefined) => Promise<R>): Promise<R> => {
    const file = fileOf(name);
    return withFileLock(file, async () => change(file, await read(name, file)), options.lock);
  };

  return {
    async get(name, { stage = 'current' } = {}) {
      assertSecretName(name);
      const stored = await read(name, fileOf(name));
      const version = stage === 'current' ? stored?.current : stored?.previous;
      if (version === undefined) return undefined;
      registerSecret(version.value);
      return { value: version.value, versionId: version.versionId };
    },

    async put(name, value) {
      assertSecretName(name);
      registerSecret(value);
      return locked(name, async (file, stored) => {
        const next: SecretFile = { current: { versionId: randomUUID(), value }, previous: stored?.current };
        await writeFileAtomic(file, opened.seal(await options.key(), name, JSON.stringify(next), file));
        return { versionId: next.current.versionId };
      });
    },

    async delete(name) {
      assertSecretName(name);
      // Reading first means a damaged file is reported, not silently discarded.
      await locked(name, async (file, stored) => {
        if (!stored) return;
        opened.forget(file);
        await removeFile(file);
      });
    },
  };
}
