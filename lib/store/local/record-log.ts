import { randomBytes } from 'node:crypto';
import { closeSync, constants, existsSync, fstatSync, ftruncateSync, openSync, readdirSync, readSync, writeSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { StoreCorruptedError, StoreError } from '../errors.ts';
import type { Clock } from '../ports.ts';
import { ensureDirectory, isErrno } from './files.ts';
import { syncDirectory } from './directory-sync.ts';
import { type LockOptions, withFileLock } from './file-lock.ts';
import { fdatasyncAsync, fsyncAsync, linkAsync, openAsync, unlinkAsync } from './fs-calls.ts';
import { GroupCommit } from './group-commit.ts';
import { seal, unseal } from './sealed.ts';

/**
 * A store's state as a pure function of its records. `apply` depends only on the state and the
 * record (the writer's clock travels in the record), so every process that reads the same log
 * reaches the same state and the same outcome for every record — a conditional put loses or
 * wins everywhere alike.
 */
export interface LogState<R> {
  /** The record inside a decrypted frame; throws when it is not one. */
  parse(json: unknown): R;
  /** Applies `record` and returns its outcome for the writer. */
  apply(record: R): unknown;
  /** Records that rebuild the state as of `at` (epoch ms; expired entries may be left out), each with its slot. */
  snapshot(at: number): Iterable<readonly [slot: Buffer, record: R]>;
  /** Entries held now. */
  readonly size: number;
  /** Forgets everything, before a new generation is read. */
  clear(): void;
}

/** A store over a RecordLog: `compact()` rewrites its log now (tests, maintenance). */
export interface Compactable {
  compact(): Promise<void>;
}

export interface RecordLogOptions<R> {
  readonly directory: string;
  /** Base name of the generation files: `<name>.<generation>.log`. */
  readonly name: string;
  readonly key: () => Promise<Buffer>;
  readonly clock: Clock;
  readonly lock: LockOptions;
  readonly state: LogState<R>;
  /** Records a generation may hold beyond four per live entry before it is compacted. */
  readonly compactAfter?: number;
}

/** `T` `L` then the body length (u32 BE): the body is a 32-byte slot and a sealed payload. */
const MAGIC = 0x544c;
const HEADER_BYTES = 6;
const SLOT_BYTES = 32;
const MAX_BODY_BYTES = 16 * 1024 * 1024;
/** The slot of compaction markers; entry slots are SHA-256 hashes, never all zeros. */
const SEAL_SLOT = Buffer.alloc(SLOT_BYTES);
const DEFAULT_COMPACT_AFTER = 20_000;
/** Transaction ids: unique per process (random tag) and per append (counter). */
const TRANSACTION_TAG = randomBytes(9).toString('base64url');
let transactions = 0;
const nextTransaction = () => `${TRANSACTION_TAG}.${(transactions++).toString(36)}`;
/** How long an incomplete frame at the end of the log must stay unchanged to be a torn write. */
const TORN_TAIL_WAIT_MS = 200;

interface Payload {
  /** The writer's transaction id: how a writer finds its own record's outcome. */
  readonly t: string;
  readonly r?: unknown;
  /** Set on a compaction marker: the epoch ms the generation was sealed at. */
  readonly seal?: number;
}

class Generation {
  offset = 0;
  records = 0;
  /** Set once the compaction marker is read: frames after it belong to nobody. */
  sealedAt: number | undefined;
  /** Set when the log ends in an incomplete frame. */
  incompleteTail = false;
  /** Set when the file was deleted while unsealed (someone removed the data): the store starts over. */
  removed = false;
  /** Appends waiting for their fdatasync; the file closes when it is retired and none is left. */
  holds = 0;
  retired = false;
  readonly commit: GroupCommit;

  constructor(
    readonly number: number,
    readonly file: string,
    readonly fd: number,
  ) {
    this.commit = new GroupCommit(() => fdatasyncAsync(fd));
  }

  release(): void {
    if (this.retired && this.holds === 0) closeSync(this.fd);
  }

  /** Neither sealed nor removed: the generation to read and append to. */
  isLive(): boolean {
    return this.sealedAt === undefined && !this.removed;
  }
}

interface Found {
  readonly outcome: unknown;
}

/**
 * The embedded stores' storage: one append-only log per store, shared by every process on the
 * data directory. Each record is a frame sealed with AES-256-GCM (its slot — the hash of the
 * entry's key — is authenticated with it, so a frame cannot be moved to another entry). Writers
 * append with O_APPEND, one write() per frame, so frames of several processes never interleave;
 * every process applies the frames in file order, which decides conditional writes without a
 * lock. An append is durable when an fdatasync that began after it has completed; concurrent
 * appends share one (group commit). When a generation holds far more records than live entries,
 * one process (under a lock file) appends a seal, writes the state as of the seal into the next
 * generation, and links it into place; everyone reading the seal moves on to it.
 */
export class RecordLog<R> {
  private key: Buffer | undefined;
  private current: Generation | undefined;
  private moving: Promise<void> | undefined;
  private compacting = false;
  /** Set when the log cannot be read any further: every operation reports it. */
  private damage: StoreCorruptedError | undefined;
  /** Slots whose last frame failed authentication: their entries report STORE_CORRUPTED. */
  private readonly poisoned = new Set<string>();
  /** Payloads of frames this process appended, by GCM tag: read back without decrypting. */
  private readonly own = new Map<string, Payload>();
  private found: Found | undefined;
  private readonly lockFile: string;

  constructor(private readonly options: RecordLogOptions<R>) {
    this.lockFile = path.join(options.directory, `${options.name}.compact`);
  }

  /** Brings the state up to date with every frame appended so far, by any process. */
  async read(): Promise<void> {
    await this.caughtUp();
  }

  /**
   * StoreCorruptedError when the entry in `slot` (every entry, without one) or the log cannot be
   * trusted. The slot is computed only when some frame failed to authenticate.
   */
  assertSound(slot?: Buffer | (() => Buffer)): void {
    if (this.damage) throw this.damage;
    if (this.poisoned.size === 0) return;
    const bytes = typeof slot === 'function' ? slot() : slot;
    if (bytes === undefined || this.poisoned.has(bytes.toString('hex'))) throw new StoreCorruptedError(this.requireCurrent().file);
  }

  /** Appends `record` for the entry in `slot`, durably, and returns its outcome (LogState.apply). */
  async append(slot: Buffer, record: R): Promise<unknown> {
    const transaction = nextTransaction();
    for (let attempt = 0; attempt < 100; attempt++) {
      const generation = await this.caughtUp();
      // Another operation may have moved on meanwhile (and closed this generation's file).
      if (generation !== this.current) continue;
      this.assertSound(slot);
      generation.holds++;
      try {
        this.write(generation, this.frame(slot, { t: transaction, r: record }, true));
        const found = this.scan(generation, transaction);
        // Written and read back in one synchronous step: a frame not applied now never will be.
        this.own.clear();
        if (found !== undefined) {
          await generation.commit.sync();
          this.compactIfDue(generation);
          return found.outcome;
        }
        // A seal came before our frame: the frame belongs to nobody; append it to the next generation.
        if (generation.sealedAt === undefined && !generation.removed) throw this.damaged(generation, 'a frame appended by this process is missing');
      } finally {
        generation.holds--;
        generation.release();
      }
    }
    throw new StoreError(`The store log ${this.requireCurrent().file} kept moving to a new generation; try again.`);
  }

  /** Compacts now (tests, and housekeeping); resolves when this process reads the new generation. */
  async compact(): Promise<void> {
    const generation = await this.caughtUp();
    await withFileLock(this.lockFile, async () => {
      // No caughtUp() in here: moving on to another generation may take this same lock.
      const live = generation;
      if (live !== this.current) return;
      this.scan(live);
      if (!live.isLive()) return;
      this.assertSound();
      const at = this.options.clock.now();
      this.write(live, this.frame(SEAL_SLOT, { t: nextTransaction(), seal: at }, false));
      this.scan(live);
      if (live.sealedAt === undefined) throw this.damaged(live, 'the compaction marker just appended is missing');
      await this.writeGeneration(live.number + 1, live.sealedAt);
      await unlinkAsync(live.file).catch(() => undefined);
    }, this.options.lock);
    await this.caughtUp();
  }

  private compactIfDue(generation: Generation): void {
    const limit = (this.options.compactAfter ?? DEFAULT_COMPACT_AFTER) + 4 * this.options.state.size;
    if (this.compacting || generation.records <= limit || this.poisoned.size > 0) return;
    this.compacting = true;
    // Housekeeping: a failed compaction leaves the log as it is, and a later append tries again.
    void this.compact()
      .catch(() => undefined)
      .finally(() => (this.compacting = false));
  }

  /** The generation to append to, with every frame before its end applied. */
  private async caughtUp(): Promise<Generation> {
    for (let hops = 0; hops < 100; hops++) {
      // One move at a time (opening, the next generation, starting over): others wait for it.
      if (this.moving !== undefined) {
        await this.moving;
        continue;
      }
      const generation = this.current;
      if (this.damage) throw this.damage;
      if (generation?.isLive() === true) {
        this.scan(generation);
        if (generation.isLive()) return generation;
      }
      const move = generation === undefined ? this.open() : generation.removed ? this.openNewest() : this.advance(generation);
      this.moving = move.finally(() => (this.moving = undefined));
      await this.moving;
    }
    throw new StoreError(`The store log ${this.requireCurrent().file} kept moving to a new generation; try again.`);
  }

  private async open(): Promise<void> {
    this.key ??= await this.options.key();
    await this.openNewest();
  }

  /** Reads the newest generation (creating the first one) into an empty state. */
  private async openNewest(): Promise<void> {
    const { directory, name } = this.options;
    await ensureDirectory(directory);
    let generation: Generation | undefined;
    for (let attempt = 0; generation === undefined; attempt++) {
      const number = newestGeneration(directory, name);
      if (number === undefined) {
        await this.createFirstGeneration();
        continue;
      }
      try {
        generation = this.openGeneration(number);
      } catch (error) {
        // Compacted away between the listing and the open: list again.
        if (!isErrno(error, 'ENOENT') || attempt > 100) throw error;
      }
    }
    const previous = this.current;
    this.options.state.clear();
    this.poisoned.clear();
    this.current = generation;
    this.scan(generation);
    if (previous !== undefined) {
      previous.retired = true;
      previous.release();
    }
    if (generation.incompleteTail && generation.sealedAt === undefined) await this.repairTornTail(generation);
  }

  private openGeneration(number: number): Generation {
    const file = generationFile(this.options.directory, this.options.name, number);
    // No O_CREAT: a generation that was compacted away must not come back empty.
    const fd = openSync(file, constants.O_RDWR | constants.O_APPEND);
    return new Generation(number, file, fd);
  }

  private async createFirstGeneration(): Promise<void> {
    const file = generationFile(this.options.directory, this.options.name, 1);
    try {
      closeSync(await openAsync(file, 'wx', 0o600));
    } catch (error) {
      if (!isErrno(error, 'EEXIST')) throw error;
    }
    await syncDirectory(this.options.directory);
  }

  /**
   * A frame cut short by a power loss ends the log, and frames appended after it would be read
   * as its remainder: when the end stays incomplete and unchanged, it is cut off. A live writer's
   * frame is one write() and is never seen incomplete for that long.
   */
  private async repairTornTail(generation: Generation): Promise<void> {
    // Held open across the waits below: its descriptor must not be closed and reused meanwhile.
    generation.holds++;
    try {
      await withFileLock(this.lockFile, async () => {
        const size = fstatSync(generation.fd).size;
        await sleep(TORN_TAIL_WAIT_MS);
        if (generation !== this.current) return;
        this.scan(generation);
        if (!generation.incompleteTail || generation.sealedAt !== undefined || fstatSync(generation.fd).size !== size) return;
        ftruncateSync(generation.fd, generation.offset);
        await fdatasyncAsync(generation.fd);
        generation.incompleteTail = false;
      }, this.options.lock);
    } finally {
      generation.holds--;
      generation.release();
    }
  }

  /** Moves on from a sealed generation, writing the next one first if its sealer died before doing so. */
  private async advance(sealed: Generation): Promise<void> {
    const { sealedAt } = sealed;
    if (sealedAt === undefined) return;
    const next = generationFile(this.options.directory, this.options.name, sealed.number + 1);
    if (!existsSync(next)) {
      await withFileLock(this.lockFile, async () => {
        if (!existsSync(next) && this.current === sealed && newestGeneration(this.options.directory, this.options.name) === sealed.number) {
          await this.writeGeneration(sealed.number + 1, sealedAt);
        }
      }, this.options.lock);
    }
    if (this.current !== sealed) return;
    let generation: Generation;
    try {
      generation = this.openGeneration(sealed.number + 1);
    } catch (error) {
      // Compacted again already: the newest generation holds everything.
      if (!isErrno(error, 'ENOENT')) throw error;
      await this.openNewest();
      return;
    }
    this.options.state.clear();
    this.poisoned.clear();
    this.current = generation;
    // Read it before yielding: no operation may see the state between clear() and the new frames.
    this.scan(generation);
    sealed.retired = true;
    sealed.release();
  }

  /** Writes the state as of the seal into generation `number`, durably; a generation already there is kept. */
  private async writeGeneration(number: number, at: number): Promise<void> {
    const file = generationFile(this.options.directory, this.options.name, number);
    const temp = `${file}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
    const frames: Buffer[] = [];
    for (const [slot, record] of this.options.state.snapshot(at)) frames.push(this.frame(slot, { t: '', r: record }, false));
    const fd = await openAsync(temp, 'wx', 0o600);
    try {
      try {
        writeAll(fd, Buffer.concat(frames));
        await fsyncAsync(fd);
      } finally {
        closeSync(fd);
      }
      await linkAsync(temp, file).catch((error: unknown) => {
        if (!isErrno(error, 'EEXIST')) throw error;
      });
    } finally {
      await unlinkAsync(temp).catch(() => undefined);
    }
    await syncDirectory(this.options.directory);
  }

  /**
   * Applies the complete frames after `generation.offset`, stopping at a seal. With `transaction`,
   * returns that frame's outcome once applied.
   */
  private scan(generation: Generation, transaction?: string): Found | undefined {
    this.found = undefined;
    if (generation.sealedAt !== undefined) return undefined;
    const { size, nlink } = fstatSync(generation.fd);
    if (size < generation.offset) {
      // Truncated or overwritten in place (a backup restored over it): read it again from the start.
      generation.offset = 0;
      generation.records = 0;
      this.options.state.clear();
      this.poisoned.clear();
    }
    if (size === generation.offset) {
      generation.incompleteTail = false;
      // Deleted while unsealed (someone removed the data): a compacted generation is sealed before removal.
      generation.removed = nlink === 0;
      return undefined;
    }
    const bytes = readAt(generation.fd, generation.offset, size - generation.offset);
    let position = 0;
    let sealed = false;
    while (position + HEADER_BYTES <= bytes.length) {
      if (bytes.readUInt16BE(position) !== MAGIC) throw this.damaged(generation, `no frame starts at byte ${generation.offset}`);
      const length = bytes.readUInt32BE(position + 2);
      if (length <= SLOT_BYTES || length > MAX_BODY_BYTES) throw this.damaged(generation, `the frame at byte ${generation.offset} has an impossible length`);
      const end = position + HEADER_BYTES + length;
      if (end > bytes.length) break;
      const body = bytes.subarray(position + HEADER_BYTES, end);
      generation.offset += end - position;
      generation.records++;
      position = end;
      sealed = this.applyFrame(generation, body, transaction);
      if (sealed) break;
    }
    generation.incompleteTail = !sealed && position < bytes.length;
    generation.removed = !sealed && nlink === 0;
    return this.found;
  }

  /** Applies one frame; true when it is a compaction marker (the generation ends there). */
  private applyFrame(generation: Generation, body: Buffer, transaction: string | undefined): boolean {
    const slot = body.subarray(0, SLOT_BYTES);
    const sealed = body.subarray(SLOT_BYTES);
    const slotKey = slot.toString('hex');
    const tag = tagOf(sealed);
    let payload = this.own.get(tag);
    const ours = payload !== undefined;
    if (payload === undefined) {
      try {
        payload = JSON.parse(unseal(this.requireKey(), this.associatedData(slot), sealed, generation.file).toString('utf8')) as Payload;
      } catch {
        this.poisoned.add(slotKey);
        return false;
      }
    } else {
      this.own.delete(tag);
    }
    if (slot.equals(SEAL_SLOT)) {
      if (typeof payload.seal !== 'number') return false;
      generation.sealedAt = payload.seal;
      return true;
    }
    const mine = payload.t === transaction;
    if (this.poisoned.has(slotKey)) {
      if (mine) throw new StoreCorruptedError(generation.file);
      return false;
    }
    let record: R;
    try {
      // A record this process built is typed already; others' are checked.
      record = ours ? (payload.r as R) : this.options.state.parse(payload.r);
    } catch {
      this.poisoned.add(slotKey);
      if (mine) throw new StoreCorruptedError(generation.file);
      return false;
    }
    const outcome = this.options.state.apply(record);
    if (mine) this.found = { outcome };
    return false;
  }

  /** One frame; `remember` keeps its payload so that reading it back costs no decryption. */
  private frame(slot: Buffer, payload: Payload, remember: boolean): Buffer {
    const sealed = seal(this.requireKey(), this.associatedData(slot), Buffer.from(JSON.stringify(payload), 'utf8'));
    if (remember) this.own.set(tagOf(sealed), payload);
    const header = Buffer.allocUnsafe(HEADER_BYTES);
    header.writeUInt16BE(MAGIC, 0);
    header.writeUInt32BE(SLOT_BYTES + sealed.length, 2);
    return Buffer.concat([header, slot, sealed]);
  }

  private write(generation: Generation, frame: Buffer): void {
    const written = writeSync(generation.fd, frame);
    if (written !== frame.length) throw this.damaged(generation, `only ${written} of ${frame.length} bytes of a frame were written (disk full?)`);
  }

  private associatedData(slot: Buffer): string {
    return `trustline-log:${this.options.name}:${slot.toString('hex')}`;
  }

  private damaged(generation: Generation, reason: string): StoreCorruptedError {
    this.damage = new StoreCorruptedError(generation.file, { cause: new Error(reason) });
    return this.damage;
  }

  private requireCurrent(): Generation {
    if (this.current === undefined) throw new StoreError('The store log is not open.');
    return this.current;
  }

  private requireKey(): Buffer {
    if (this.key === undefined) throw new StoreError('The store key is not loaded.');
    return this.key;
  }
}

/** The GCM tag of a sealed payload (sealed.ts: 8-byte header, 12-byte IV, 16-byte tag): unique per frame. */
function tagOf(sealed: Buffer): string {
  return sealed.subarray(20, 36).toString('latin1');
}

function generationFile(directory: string, name: string, number: number): string {
  return path.join(directory, `${name}.${String(number).padStart(6, '0')}.log`);
}

function newestGeneration(directory: string, name: string): number | undefined {
  const pattern = new RegExp(`^${name}\\.(\\d{6,})\\.log$`);
  let newest: number | undefined;
  for (const entry of readdirSync(directory)) {
    const match = pattern.exec(entry);
    if (match?.[1] !== undefined) newest = Math.max(newest ?? 0, Number(match[1]));
  }
  return newest;
}

function readAt(fd: number, offset: number, length: number): Buffer {
  const bytes = Buffer.allocUnsafe(length);
  let filled = 0;
  while (filled < length) {
    const read = readSync(fd, bytes, filled, length - filled, offset + filled);
    if (read === 0) break;
    filled += read;
  }
  return bytes.subarray(0, filled);
}

function writeAll(fd: number, bytes: Buffer): void {
  let written = 0;
  while (written < bytes.length) written += writeSync(fd, bytes, written);
}
