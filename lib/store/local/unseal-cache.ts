import { seal, unseal } from './sealed.ts';

/** Files remembered per store; at ~1.5 KB each, a bounded few megabytes. */
const DEFAULT_LIMIT = 8192;

interface Entry {
  readonly associatedData: string;
  readonly sealed: Buffer;
  readonly plaintext: string;
}

/**
 * Plaintexts of the sealed files a store recently read or wrote, reused while a file's bytes are
 * exactly those authenticated before. Comparing a few hundred bytes costs a fraction of an
 * AES-GCM open; a file changed in any way (by another process, a crash, corruption) misses and
 * is authenticated afresh, so every read still reports a damaged file.
 */
export class UnsealCache {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly limit = DEFAULT_LIMIT) {}

  /** The plaintext of `sealed`, read from `file`; StoreCorruptedError naming `file` when it does not authenticate. */
  open(key: Buffer, associatedData: string, sealed: Buffer, file: string): string {
    const known = this.entries.get(file);
    if (known?.associatedData === associatedData && known.sealed.equals(sealed)) return known.plaintext;
    const plaintext = unseal(key, associatedData, sealed, file).toString('utf8');
    this.remember(file, { associatedData, sealed, plaintext });
    return plaintext;
  }

  /** Seals `plaintext` for `file` and remembers it, so reading back what was written costs no decryption. */
  seal(key: Buffer, associatedData: string, plaintext: string, file: string): Buffer {
    const sealed = seal(key, associatedData, Buffer.from(plaintext, 'utf8'));
    this.remember(file, { associatedData, sealed, plaintext });
    return sealed;
  }

  /** Files remembered now; never more than the limit. */
  get size(): number {
    return this.entries.size;
  }

  /** Drops what is remembered of a removed file. */
  forget(file: string): void {
    this.entries.delete(file);
  }

  private remember(file: string, entry: Entry): void {
    this.entries.delete(file);
    this.entries.set(file, entry);
    if (this.entries.size > this.limit) {
      const oldest = this.entries.keys().next();
      if (oldest.done !== true) this.entries.delete(oldest.value);
    }
  }
}
