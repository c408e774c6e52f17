import { randomUUID } from 'node:crypto';
import * as z from 'zod';
import { registerSecret } from '../../observe/index.ts';
import { StoreCorruptedError } from '../errors.ts';
import type { SecretStore } from '../ports.ts';
import { assertSecretName } from '../secret-name.ts';
import type { LocalDatabase } from './database.ts';
import { seal, unseal } from './sealed.ts';

const versionSchema = z.object({ versionId: z.string(), value: z.string() });
/** What one sealed entry holds: the current version and the one it replaced. */
const versionsSchema = z.object({ current: versionSchema, previous: versionSchema.optional() });
type Versions = z.infer<typeof versionsSchema>;

/**
 * The embedded SecretStore: one sealed entry per secret in the database's `secrets` table,
 * bound to the secret's name. A put keeps the version it replaces as the previous one.
 */
export function createLocalSecretStore(database: () => Promise<LocalDatabase>): SecretStore {
  const read = (db: LocalDatabase, name: string): Versions | undefined => {
    const sealed = db.secrets.get(name);
    if (sealed === undefined) return undefined;
    const parsed = versionsSchema.safeParse(JSON.parse(unseal(db.key, `secret:${name}`, sealed, db.file)));
    if (!parsed.success) throw new StoreCorruptedError(db.file, { cause: parsed.error });
    return parsed.data;
  };

  return {
    async get(name, { stage = 'current' } = {}) {
      assertSecretName(name);
      const versions = read(await database(), name);
      const version = stage === 'current' ? versions?.current : versions?.previous;
      if (version === undefined) return undefined;
      registerSecret(version.value);
      return { value: version.value, versionId: version.versionId };
    },

    async put(name, value) {
      assertSecretName(name);
      registerSecret(value);
      const db = await database();
      const versionId = randomUUID();
      await db.write(
        () => {
          const previous = read(db, name)?.current;
          const versions: Versions = { current: { versionId, value }, ...(previous === undefined ? {} : { previous }) };
          void db.secrets.put(name, seal(db.key, `secret:${name}`, JSON.stringify(versions)));
        },
        { durable: true },
      );
      return { versionId };
    },

    async delete(name) {
      assertSecretName(name);
      const db = await database();
      await db.write(() => void db.secrets.remove(name), { durable: true });
    },
  };
}
