import { randomUUID } from 'node:crypto';
import * as z from 'zod';
import { registerSecret } from '../../observe/redact.ts';
import type { Clock, SecretStore, SecretVersion } from '../ports.ts';
import { assertSecretName } from '../secret-name.ts';
import type { LockOptions } from './file-lock.ts';
import { slotOf } from './log-frame.ts';
import { type Compactable, type LogState, RecordLog } from './record-log.ts';

export interface LocalSecretStoreOptions {
  /** Directory holding the store's log (`secrets.<generation>.log`). */
  readonly directory: string;
  readonly key: () => Promise<Buffer>;
  readonly clock: Clock;
  readonly lock: LockOptions;
  /** See RecordLogOptions.compactAfter. */
  readonly compactAfter?: number;
}

const versionSchema = z.object({ versionId: z.string(), value: z.string() });
const recordSchema = z.discriminatedUnion('o', [
  z.object({ o: z.literal('put'), s: z.string(), current: versionSchema }),
  z.object({ o: z.literal('delete'), s: z.string() }),
  z.object({ o: z.literal('set'), s: z.string(), current: versionSchema, previous: versionSchema.optional() }),
]);
type SecretRecord = z.infer<typeof recordSchema>;

interface Versions {
  readonly current: SecretVersion;
  readonly previous?: SecretVersion;
}

/**
 * The embedded SecretStore: the data directory's secrets log (record-log.ts, AES-256-GCM per
 * record, the name's hash bound to each one), shared by every process on the directory. A put
 * keeps the version it replaces as the previous one.
 */
export function createLocalSecretStore(options: LocalSecretStoreOptions): SecretStore & Compactable {
  const state = new SecretState();
  const log = new RecordLog<SecretRecord>({ ...options, name: 'secrets', state });

  return {
    compact: () => log.compact(),

    async get(name, { stage = 'current' } = {}) {
      assertSecretName(name);
      await log.read();
      log.assertSound(() => slotOf(name));
      const stored = state.versions(name);
      const version = stage === 'current' ? stored?.current : stored?.previous;
      if (version === undefined) return undefined;
      registerSecret(version.value);
      return { value: version.value, versionId: version.versionId };
    },

    async put(name, value) {
      assertSecretName(name);
      registerSecret(value);
      const versionId = randomUUID();
      await log.append(slotOf(name), { o: 'put', s: name, current: { versionId, value } });
      return { versionId };
    },

    async delete(name) {
      assertSecretName(name);
      await log.append(slotOf(name), { o: 'delete', s: name });
    },
  };
}

/** Every secret's current and previous version, as the log's records leave them. */
class SecretState implements LogState<SecretRecord> {
  private readonly secrets = new Map<string, Versions>();

  parse(json: unknown): SecretRecord {
    return recordSchema.parse(json);
  }

  apply(record: SecretRecord): unknown {
    if (record.o === 'delete') return this.secrets.delete(record.s);
    const previous = record.o === 'set' ? record.previous : this.secrets.get(record.s)?.current;
    this.secrets.set(record.s, { current: record.current, ...(previous === undefined ? {} : { previous }) });
    return true;
  }

  *snapshot(): Iterable<readonly [Buffer, SecretRecord]> {
    for (const [name, { current, previous }] of this.secrets) {
      yield [slotOf(name), { o: 'set', s: name, current, ...(previous === undefined ? {} : { previous }) }];
    }
  }

  get size(): number {
    return this.secrets.size;
  }

  clear(): void {
    this.secrets.clear();
  }

  versions(name: string): Versions | undefined {
    return this.secrets.get(name);
  }
}
