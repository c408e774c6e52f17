import { randomUUID } from 'node:crypto';
import * as z from 'zod';
import { registerSecret } from '../../observe/index.ts';
import { StoreCorruptedError } from '../errors.ts';
import type { SecretStore } from '../ports.ts';
import { assertSecretName } from '../secret-name.ts';
import { type LocalDatabase, newRevision } from './database.ts';
import { seal, unseal } from './sealed.ts';

const versionSchema = z.object({ versionId: z.string(), value: z.string() });
/** What one sealed entry holds: the current version and the one it replaced. */
const versionsSchema = z.object({ current: versionSchema, previous: versionSchema.optional() });
type Versions = z.infer<typeof versionsSchema>;

/**
 * The embedded SecretStore: one sealed entry per secret in the database's `secrets` table,
 * bound to the secret's name. A put keeps the version it replaces as the previous one: it
 * commits only if the entry still has the revision it read, and reads again otherwise.
 */
export function createLocalSecretStore(database: () => Promise<LocalDatabase>): SecretStore {
  const read = (db: LocalDatabase, name: string): { versions: Versions | undefined; revision: number | undefined } => {
    const found = db.secrets.getEntry(name);
    if (found === undefined) return { versions: undefined, revision: undefined };
    const parsed = versionsSchema.safeParse(JSON.parse(unseal(db.key, `secret:${name}`, found.value, db.file)));
    if (!parsed.success) throw new StoreCorruptedError(db.file, { cause: parsed.error });
    return { versions: parsed.data, revision: found.version };
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

    async put(name, value) {
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
        const write = () => void db.secrets.put(name, sealed, newRevision());
        const queue = () => (revision === undefined ? db.secrets.ifNoExists(name, write) : db.secrets.ifVersion(name, revision, write));
        if (await db.commit(queue, { durable: true })) return { versionId };
      }
    },

    async delete(name) {
      assertSecretName(name);
      const db = await database();
      await db.commit(() => db.secrets.remove(name), { durable: true });
    },
  };
}
