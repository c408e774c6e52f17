import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, fstatSync, ftruncateSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { StoreCorruptedError, StoreError } from '../errors.ts';
import type { Clock, WriteOptions } from '../ports.ts';
import { ensureDirectory, isErrno } from './files.ts';
import { syncDirectory } from './directory-sync.ts';
import { type LockOptions, withFileLock } from './file-lock.ts';
import { fdatasyncAsync, fsyncAsync, linkAsync, openAsync, unlinkAsync } from './fs-calls.ts';
import { type Payload, SEAL_SLOT, encodeFrame, nextFrame, openPayload, splitBody } from './log-frame.ts';
import { Generation, generationFile, newestGeneration, writeAll } from './log-generation.ts';

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

const DEFAULT_COMPACT_AFTER = 20_000;
/** Transaction ids: unique per process (random tag) and per append (counter). */
const TRANSACTION_TAG = randomBytes(9).toString('base64url');
let transactions = 0;
const nextTransaction = () => `${TRANSACTION_TAG}.${(transactions++).toString(36)}`;
/** How long an incomplete frame at the end of the log must stay unchanged to be a torn write. */
const TORN_TAIL_WAIT_MS = 200;

/** A frame of this process's, read back: its record's outcome, or why it cannot have one. */
type Found = { readonly outcome: unknown } | { readonly error: StoreCorruptedError };

/** An append waiting for the end of the event loop's turn, when the turn's appends are written together. */
interface Pending<R> {
  readonly generation: Generation;
  readonly slot: Buffer;
  readonly record: R;
  readonly transaction: string;
  readonly frame: Buffer;
  /** Settles with the frame's outcome, or undefined when it was not applied (a seal or a removal came first). */
  readonly settle: (found: Found | undefined) => void;
  readonly fail: (error: unknown) => void;
}

/** What applyFrame returns for a compaction marker: the generation ends there. */
const SEALED = Symbol('sealed');

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
  /** Appends of this turn of the event loop, written together after it. */
  private pending: Pending<R>[] = [];
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

  /**
   * Appends `record` for the entry in `slot` and returns its outcome (LogState.apply); unless
   * `durable: false`, once an fdatasync that began after the write has completed.
   *
   * The appends of one turn of the event loop (every operation resumed by the I/O events of one
   * poll, such as the token responses that arrived together and the callers released by an
   * fdatasync) are written together after it (setImmediate): one write() and one fstat for all
   * of them instead of one each. Each frame is still its own sealed record. Writing at the end of
   * each tick instead took three times as many write() calls in the refresh benchmark (2.1
   * against 0.7 per refresh).
   */
  async append(slot: Buffer, record: R, { durable = true }: WriteOptions = {}): Promise<unknown> {
    const transaction = nextTransaction();
    for (let attempt = 0; attempt < 100; attempt++) {
      // The frames before ours are read after the write; catching up first is needed only to move on.
      const generation = this.moving === undefined && this.current?.isLive() === true ? this.current : await this.caughtUp();
      // Another operation may have moved on meanwhile (and closed this generation's file).
      if (generation !== this.current) continue;
      this.assertSound(slot);
      generation.holds++;
      try {
        const found = await this.enqueue(generation, slot, record, transaction);
        if (found !== undefined && 'error' in found) throw found.error;
        // A removed file took the frame with it: write it again to the new log.
        if (found !== undefined && !generation.removed) {
          if (durable) await generation.commit.sync();
          this.compactIfDue(generation);
          return found.outcome;
        }
        // A seal came before our frame: the frame belongs to nobody; append it to the next generation.
        if (found === undefined && generation.sealedAt === undefined && !generation.removed) throw this.damaged(generation, 'a frame appended by this process is missing');
      } finally {
        generation.holds--;
        generation.release();
      }
    }
    throw new StoreError(`The store log ${this.requireCurrent().file} kept moving to a new generation; try again.`);
  }

  /** Queues one frame for the write after this turn of the event loop. */
  private enqueue(generation: Generation, slot: Buffer, record: R, transaction: string): Promise<Found | undefined> {
    const frame = this.frame(slot, { t: transaction, r: record }, true);
    return new Promise((settle, fail) => {
      if (this.pending.length === 0) setImmediate(() => { this.writePending(); });
      this.pending.push({ generation, slot, record, transaction, frame, settle, fail });
    });
  }

  /**
   * Writes the turn's frames, per generation in one write(), and reads them back in the same
   * synchronous step: a frame not applied now never will be.
   */
  private writePending(): void {
    const batch = this.pending;
    this.pending = [];
    for (const generation of new Set(batch.map((each) => each.generation))) {
      const appends = batch.filter((each) => each.generation === generation);
      // Sealed or removed since they were queued: the appends go to the generation that follows.
      if (!generation.isLive()) {
        for (const each of appends) each.settle(undefined);
        continue;
      }
      try {
        const frames = Buffer.concat(appends.map((each) => each.frame));
        this.write(generation, frames);
        const alone = this.appliedAlone(generation, appends, frames.length);
        const found = alone ?? this.scan(generation, new Set(appends.map((each) => each.transaction)));
        for (const each of appends) each.settle(found?.get(each.transaction));
      } catch (error) {
        for (const each of appends) each.fail(error);
      }
    }
    this.own.clear();
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
        generation = Generation.open(this.options.directory, this.options.name, number);
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
      generation = Generation.open(this.options.directory, this.options.name, sealed.number + 1);
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
   * When the file grew by exactly the frames just appended, nobody else wrote since the last
   * scan: the records are applied as built, without reading them back.
   */
  private appliedAlone(generation: Generation, appends: readonly Pending<R>[], length: number): Map<string, Found> | undefined {
    const { size, nlink } = fstatSync(generation.fd);
    if (nlink === 0 || size !== generation.offset + length || generation.incompleteTail || generation.sealedAt !== undefined) return undefined;
    const found = new Map<string, Found>();
    for (const { slot, record, transaction, frame } of appends) {
      generation.offset += frame.length;
      generation.records++;
      // A slot whose earlier frame failed authentication stays unreadable: its entry reports it.
      const poisoned = this.poisoned.size > 0 && this.poisoned.has(slot.toString('hex'));
      found.set(transaction, poisoned ? { error: new StoreCorruptedError(generation.file) } : { outcome: this.options.state.apply(record) });
    }
    return found;
  }

  /**
   * Applies the complete frames after `generation.offset`, stopping at a seal. Returns the
   * outcomes of the frames of `mine` (this process's transactions) that it applied.
   */
  private scan(generation: Generation, mine?: ReadonlySet<string>): Map<string, Found> | undefined {
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
    const bytes = generation.readAt(generation.offset, size - generation.offset);
    let position = 0;
    let sealed = false;
    // Only an append reading its frames back asks for outcomes: a read allocates nothing here.
    const found = mine === undefined ? undefined : new Map<string, Found>();
    while (!sealed) {
      const next = nextFrame(bytes, position);
      if (next === 'incomplete') break;
      if ('damaged' in next) throw this.damaged(generation, `${next.damaged} (byte ${generation.offset})`);
      generation.offset += next.end - position;
      generation.records++;
      position = next.end;
      const applied = this.applyFrame(generation, next.body, mine);
      sealed = applied === SEALED;
      if (applied !== SEALED && applied !== undefined) found?.set(applied.transaction, applied.found);
    }
    generation.incompleteTail = !sealed && position < bytes.length;
    generation.removed = !sealed && nlink === 0;
    return found;
  }

  /** Applies one frame: SEALED for a compaction marker, the outcome for a frame of `mine`. */
  private applyFrame(generation: Generation, body: Buffer, mine: ReadonlySet<string> | undefined): typeof SEALED | { transaction: string; found: Found } | undefined {
    const { slot, sealed, tag } = splitBody(body);
    const slotKey = slot.toString('hex');
    let payload = this.own.get(tag);
    const ours = payload !== undefined;
    if (payload === undefined) {
      try {
        payload = openPayload(this.requireKey(), this.options.name, slot, sealed, generation.file);
      } catch {
        this.poisoned.add(slotKey);
        return undefined;
      }
    } else {
      this.own.delete(tag);
    }
    if (slot.equals(SEAL_SLOT)) {
      if (typeof payload.seal !== 'number') return undefined;
      generation.sealedAt = payload.seal;
      return SEALED;
    }
    const transaction = mine?.has(payload.t) === true ? payload.t : undefined;
    const corrupted = () => (transaction === undefined ? undefined : { transaction, found: { error: new StoreCorruptedError(generation.file) } });
    if (this.poisoned.has(slotKey)) return corrupted();
    let record: R;
    try {
      // A record this process built is typed already; others' are checked.
      record = ours ? (payload.r as R) : this.options.state.parse(payload.r);
    } catch {
      this.poisoned.add(slotKey);
      return corrupted();
    }
    const outcome = this.options.state.apply(record);
    return transaction === undefined ? undefined : { transaction, found: { outcome } };
  }

  /** One frame; `remember` keeps its payload so that reading it back costs no decryption. */
  private frame(slot: Buffer, payload: Payload, remember: boolean): Buffer {
    const { frame, tag } = encodeFrame(this.requireKey(), this.options.name, slot, payload);
    if (remember) this.own.set(tag, payload);
    return frame;
  }

  private write(generation: Generation, frame: Buffer): void {
    const written = generation.append(frame);
    if (written !== frame.length) throw this.damaged(generation, `only ${written} of ${frame.length} bytes of a frame were written (disk full?)`);
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
