import { randomUUID } from 'node:crypto';
import * as z from 'zod';
import { registerSecret } from '../../observe/index.ts';
import { StoreCorruptedError } from '../errors.ts';
import type { ItemWrite, SecretStore } from '../ports.ts';
import { storedItem } from '../stored-item.ts';
import type { Clock } from '../../clock.ts';
import { assertSecretName } from '../secret-name.ts';
import { ifRevision, type LocalDatabase, newRevision } from './database.ts';
import { type PreparedItemPut, prepareItemPut } from './metadata-store.ts';
import { seal, unseal } from './sealed.ts';

const versionSchema = z.object({ versionId: z.string(), value: z.string() });
/** What one sealed entry holds: the current version and the one it replaced. */
const versionsSchema = z.object({ current: versionSchema, previous: versionSchema.optional() });
type Versions = z.infer<typeof versionsSchema>;

/**
 * The embedded SecretStore: one sealed entry per secret in the database's `secrets` table,
 * bound to the secret's name. A put keeps the version it replaces as the previous one: it
 * commits only if the entry still has the revision it read, and reads again otherwise.
 * `putWithItem` nests the item's conditional write inside the secret's, in the one database
 * both stores share, so LMDB writes the item only with the secret, in the same transaction.
 */
export function createLocalSecretStore(database: () => Promise<LocalDatabase>, clock: Clock): SecretStore {
  const read = (db: LocalDatabase, name: string): { versions: Versions | undefined; revision: number | undefined } => {
    const found = db.secrets.getEntry(name);
    if (found === undefined) return { versions: undefined, revision: undefined };
    const parsed = versionsSchema.safeParse(JSON.parse(unseal(db.key, `secret:${name}`, found.value, db.file)));
    if (!parsed.success) throw new StoreCorruptedError(db.file, { cause: parsed.error });
    return { versions: parsed.data, revision: found.version };
  };

  /**
   * Writes `value` as the current version, committing only if the entry still has the revision
   * read, and reading again otherwise; `nested` prepares, from the same read snapshot (again at
   * each try), writes that go inside the secret's conditional write. Resolves once flushed.
   */
  const write = async (name: string, value: string, nested?: (db: LocalDatabase) => (() => void) | undefined): Promise<{ versionId: string }> => {
    assertSecretName(name);
    registerSecret(value);
    const db = await database();
    const versionId = randomUUID();
    for (;;) {
      // A fresh snapshot: the one this turn of the event loop reads may predate another process's commit.
      db.secrets.resetReadTxn();
      const { versions: stored, revision } = read(db, name);
      const previous = stored?.current;
      const versions: Versions = { current: { versionId, value }, ...(previous === undefined ? {} : { previous }) };
      const sealed = seal(db.key, `secret:${name}`, JSON.stringify(versions));
      const inside = nested?.(db);
      const writes = () => {
        void db.secrets.put(name, sealed, newRevision());
        inside?.();
      };
      const queue = () => ifRevision(db.secrets, name, revision, writes);
      if (await db.commit(queue, { durable: true })) return { versionId };
    }
  };

  return {
    async get(name, { stage = 'current' } = {}) {
      assertSecretName(name);
      const { versions } = read(await database(), name);
      const version = stage === 'current' ? versions?.current : versions?.previous;
      if (version === undefined) return undefined;
      registerSecret(version.value);
      return { value: version.value, versionId: version.versionId };
    },

    put: (name, value) => write(name, value),

    async putWithItem<T>(name: string, value: string, itemWrite: ItemWrite<T>) {
      // The item put of the try that committed, and whether its block held.
      let last: { put: PreparedItemPut; written?: Promise<boolean> } | undefined;
      const { versionId } = await write(name, value, (db) => {
        const put = prepareItemPut(db, clock, itemWrite);
        const attempt = put && { put, written: undefined as Promise<boolean> | undefined };
        last = attempt;
        // Nested: the item's revision is checked only where the secret's held, in the same transaction.
        return attempt && (() => void (attempt.written = attempt.put.queue()));
      });
      const held = last;
      if (held?.written === undefined || !(await held.written)) return { versionId, item: undefined };
      return { versionId, item: storedItem(itemWrite.item, held.put.version) };
    },

    async delete(name) {
      assertSecretName(name);
      const db = await database();
      await db.commit(() => db.secrets.remove(name), { durable: true });
    },
  };
}
