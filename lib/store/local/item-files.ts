import { createHash } from 'node:crypto';
import path from 'node:path';
import { z } from 'zod';
import { StoreCorruptedError } from '../errors.ts';
import type { StoredItem } from '../ports.ts';
import { storedItem } from '../stored-item.ts';
import { readFileIfExists, writeFileAtomic } from './atomic-file.ts';
import { seal, unseal } from './sealed.ts';

/**
 * Where and how metadata items live on disk: `metadata/<kind>-<hash>/<sha256(id)>.item`, one
 * sealed JSON record per item. Hashed names keep any id a safe, short file name on every file
 * system (case-insensitive ones included); the record inside names its kind and id.
 */
export const ITEM_SUFFIX = '.item';

const recordSchema = z.object({
  kind: z.string(),
  id: z.string(),
  data: z.unknown(),
  version: z.number().int().positive(),
  dueAt: z.number().optional(),
  expiresAt: z.number().optional(),
});

/** Paths and sealing of one metadata directory. */
export class ItemFiles {
  constructor(
    private readonly root: string,
    private readonly key: () => Promise<Buffer>,
  ) {}

  /** Directory of a kind: readable prefix plus a hash, so distinct kinds never share one. */
  kindDirectory(kind: string): string {
    const readable = kind.toLowerCase().replace(/[^a-z0-9-]/g, '_').slice(0, 32);
    return path.join(this.root, `${readable}-${sha256(kind).slice(0, 16)}`);
  }

  itemFile(kind: string, id: string): string {
    return path.join(this.kindDirectory(kind), `${sha256(id)}${ITEM_SUFFIX}`);
  }

  /** The item stored in `file`, or undefined when there is none; StoreCorruptedError when it does not authenticate. */
  async read<T>(kind: string, file: string): Promise<StoredItem<T> | undefined> {
    const sealed = await readFileIfExists(file);
    if (sealed === undefined) return undefined;
    const plaintext = unseal(await this.key(), this.associatedData(file), sealed, file);
    let parsed: z.infer<typeof recordSchema>;
    try {
      parsed = recordSchema.parse(JSON.parse(plaintext.toString('utf8')));
    } catch (error) {
      throw new StoreCorruptedError(file, { cause: error });
    }
    if (parsed.kind !== kind || `${sha256(parsed.id)}${ITEM_SUFFIX}` !== path.basename(file)) throw new StoreCorruptedError(file);
    return storedItem({ ...parsed, data: parsed.data as T }, parsed.version);
  }

  async write(file: string, item: StoredItem<unknown>): Promise<void> {
    const plaintext = Buffer.from(JSON.stringify(item), 'utf8');
    await writeFileAtomic(file, seal(await this.key(), this.associatedData(file), plaintext));
  }

  /** The file's place in the store is authenticated with its content: a file moved elsewhere fails. */
  private associatedData(file: string): string {
    return `trustline-metadata:${path.relative(this.root, file).split(path.sep).join('/')}`;
  }
}

function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}
