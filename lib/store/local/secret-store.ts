import { randomUUID } from 'node:crypto';
import * as z from 'zod';
import { registerSecret } from '../../observe/index.ts';
import { ConditionFailedError } from '../errors.ts';
import type { ItemWrite, MetadataStore, SecretStore } from '../ports.ts';
import { storedItem } from '../stored-item.ts';
import type { Clock } from '../../clock.ts';
import { assertSecretName } from '../secret-name.ts';
import { type LocalDatabase, newVersion } from './database.ts';
import { queueItemWrite } from './metadata-store.ts';
import { readSealed, seal } from './sealed.ts';

const versionSchema = z.object({ versionId: z.string(), value: z.string() });
/** What one sealed entry holds: the current version and the one it replaced. */
const versionsSchema = z.object({ current: versionSchema, previous: versionSchema.optional() });
type Versions = z.infer<typeof versionsSchema>;

/**
 * The embedded SecretStore: one sealed entry per secret in the database's `secrets` table,
 * bound to the secret's name. A put keeps the version it replaces as the previous one.
 * `putWithItem` queues the item's conditional write in the secret's commit, in the one
 * database both stores share, so the item is never written without the secret (`metadata`, the
 * MetadataStore on the same database, writes it after the secret when it changed meanwhile).
 */
export function createLocalSecretStore(database: () => Promise<LocalDatabase>, clock: Clock, metadata: MetadataStore): SecretStore {
  const read = (db: LocalDatabase, name: string) => readSealed(db, db.secrets, name, `secret:${name}`, versionsSchema);

  /**
   * Writes `value` as the current version, keeping the one it replaces, conditional on the
   * secret being unchanged since read (read again if another write came between); `alongside`
   * queues its writes into the same commit, and its result of the attempt that applied is returned.
   */
  const write = async <R>(name: string, value: string, alongside?: (db: LocalDatabase) => R): Promise<{ versionId: string; alongside?: R }> => {
    assertSecretName(name);
    registerSecret(value);
    const db = await database();
    const versionId = randomUUID();
    for (;;) {
      const stored = read(db, name);
      const previous = stored?.data.current;
      const versions: Versions = { current: { versionId, value }, ...(previous === undefined ? {} : { previous }) };
      const sealed = seal(db.key, `secret:${name}`, JSON.stringify(versions));
      let result: R | undefined;
      const written = await db.writeIf(db.secrets, name, stored?.version, () => {
        // First: if it throws (an unreadable item), nothing of this attempt has been queued.
        result = alongside?.(db);
        void db.secrets.put(name, sealed, newVersion());
      });
      if (written) return { versionId, alongside: result };
    }
  };

  return {
    async get(name, { stage = 'current' } = {}) {
      assertSecretName(name);
      const versions = read(await database(), name)?.data;
      const version = stage === 'current' ? versions?.current : versions?.previous;
      if (version === undefined) return undefined;
      registerSecret(version.value);
      return { value: version.value, versionId: version.versionId };
    },

    put: (name, value) => write(name, value),

    async putWithItem<T>(name: string, value: string, itemWrite: ItemWrite<T>) {
      const { versionId, alongside } = await write(name, value, (db) => queueItemWrite(db, clock, itemWrite));
      // The item changed after it was read: written on its own now that the secret is, deciding again.
      const alone = async () => (await metadata.put(itemWrite.item, itemWrite.condition)).version;
      const rewrite = alongside?.written !== undefined && !(await alongside.written);
      const version = rewrite ? await alone().catch(skipConditionFailed) : alongside?.version;
      return { versionId, item: version === undefined ? undefined : storedItem(itemWrite.item, version) };
    },

    async delete(name) {
      assertSecretName(name);
      const db = await database();
      await db.secrets.remove(name);
      await new Promise((resolve, reject) => void db.secrets.flushed.then(resolve, reject));
    },
  };
}

function skipConditionFailed(error: unknown): undefined {
  if (error instanceof ConditionFailedError) return undefined;
  throw error;
}
