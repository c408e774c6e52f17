import { randomUUID } from 'node:crypto';
import * as z from 'zod';
import { registerSecret } from '../../observe/index.ts';
import { StoreCorruptedError } from '../errors.ts';
import type { ItemWrite, SecretStore } from '../ports.ts';
import { storedItem } from '../stored-item.ts';
import type { Clock } from '../../clock.ts';
import { assertSecretName } from '../secret-name.ts';
import type { LocalDatabase } from './database.ts';
import { putItemInside } from './metadata-store.ts';
import { seal, unseal } from './sealed.ts';

const versionSchema = z.object({ versionId: z.string(), value: z.string() });
/** What one sealed entry holds: the current version and the one it replaced. */
const versionsSchema = z.object({ current: versionSchema, previous: versionSchema.optional() });
type Versions = z.infer<typeof versionsSchema>;

/**
 * The embedded SecretStore: one sealed entry per secret in the database's `secrets` table,
 * bound to the secret's name. A put keeps the version it replaces as the previous one.
 * `putWithItem` makes the item's conditional write in the secret's transaction, in the one
 * database both stores share, so the item is never written without the secret.
 */
export function createLocalSecretStore(database: () => Promise<LocalDatabase>, clock: Clock): SecretStore {
  const read = (db: LocalDatabase, name: string): Versions | undefined => {
    const found = db.secrets.get(name);
    if (found === undefined) return undefined;
    const parsed = versionsSchema.safeParse(JSON.parse(unseal(db.key, `secret:${name}`, found, db.file)));
    if (!parsed.success) throw new StoreCorruptedError(db.file, { cause: parsed.error });
    return parsed.data;
  };

  /**
   * Writes `value` as the current version, keeping the one it replaces, in one write transaction
   * (no other write between the read and the write); `alongside` runs in the same transaction.
   * Resolves once flushed, with what `alongside` returned.
   */
  const write = async <R>(name: string, value: string, alongside?: (db: LocalDatabase) => R): Promise<{ versionId: string; alongside?: R }> => {
    assertSecretName(name);
    registerSecret(value);
    const db = await database();
    const versionId = randomUUID();
    return db.write(() => {
      // Everything that can throw comes before the secret's put: a throw does not undo what the transaction wrote.
      const previous = read(db, name)?.current;
      const versions: Versions = { current: { versionId, value }, ...(previous === undefined ? {} : { previous }) };
      const result = { versionId, alongside: alongside?.(db) };
      void db.secrets.put(name, seal(db.key, `secret:${name}`, JSON.stringify(versions)));
      return result;
    });
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

    put: (name, value) => write(name, value),

    async putWithItem<T>(name: string, value: string, itemWrite: ItemWrite<T>) {
      const { versionId, alongside: version } = await write(name, value, (db) => putItemInside(db, clock, itemWrite));
      return { versionId, item: version === undefined ? undefined : storedItem(itemWrite.item, version) };
    },

    async delete(name) {
      assertSecretName(name);
      const db = await database();
      await db.write(() => db.secrets.remove(name));
    },
  };
}
