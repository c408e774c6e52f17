import { createHash } from 'node:crypto';
import path from 'node:path';
import * as z from 'zod';
import { StoreCorruptedError } from '../errors.ts';
import type { StoredItem } from '../ports.ts';
import { storedItem } from '../stored-item.ts';
import { readFileIfExists, removeFile, writeFileAtomic } from './atomic-file.ts';
import { UnsealCache } from './unseal-cache.ts';

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
  private readonly kindDirectories = new Map<string, string>();
  private readonly opened = new UnsealCache();

  constructor(
    private readonly root: string,
    private readonly key: () => Promise<Buffer>,
  ) {}

  /** Directory of a kind: readable prefix plus a hash, so distinct kinds never share one. */
  kindDirectory(kind: string): string {
    let directory = this.kindDirectories.get(kind);
    if (directory === undefined) {
      const readable = kind.toLowerCase().replace(/[^a-z0-9-]/g, '_').slice(0, 32);
      directory = path.join(this.root, `${readable}-${sha256(kind).slice(0, 16)}`);
      this.kindDirectories.set(kind, directory);
    }
    return directory;
  }

  itemFile(kind: string, id: string): string {
    return path.join(this.kindDirectory(kind), `${sha256(id)}${ITEM_SUFFIX}`);
  }

  /** The item stored in `file`, or undefined when there is none; StoreCorruptedError when it does not authenticate. */
  async read<T>(kind: string, file: string): Promise<StoredItem<T> | undefined> {
    const sealed = readFileIfExists(file);
    if (sealed === undefined) return undefined;
    const plaintext = this.opened.open(await this.key(), this.associatedData(file), sealed, file);
    let parsed: z.infer<typeof recordSchema>;
    try {
      parsed = recordSchema.parse(JSON.parse(plaintext));
    } catch (error) {
      throw new StoreCorruptedError(file, { cause: error });
    }
    if (parsed.kind !== kind || `${sha256(parsed.id)}${ITEM_SUFFIX}` !== path.basename(file)) throw new StoreCorruptedError(file);
    return storedItem({ ...parsed, data: parsed.data as T }, parsed.version);
  }

  async write(file: string, item: StoredItem<unknown>): Promise<void> {
    await writeFileAtomic(file, this.opened.seal(await this.key(), this.associatedData(file), JSON.stringify(item), file));
  }

  /** Removes the item's file (durably); a missing file is not an error. */
  async remove(file: string): Promise<void> {
    this.opened.forget(file);
    await removeFile(file);
  }

  /**
   * The file's place in the store is authenticated with its content: a file moved elsewhere fails.
   * Item files sit in a kind directory right under the root: this is their path relative to it, `/`-separated.
   */
  private associatedData(file: string): string {
    return `trustline-metadata:${path.basename(path.dirname(file))}/${path.basename(file)}`;
  }
}

function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}
