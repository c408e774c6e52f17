import { hash } from 'node:crypto';
import { seal, unseal } from './sealed.ts';

/**
 * The frames of a store log: `T` `L`, the body length (u32 BE), then the body — a 32-byte slot
 * (the SHA-256 of the entry's key) and the payload sealed with AES-256-GCM. The slot and the
 * log's name are the payload's associated data, so a frame moved to another entry or another
 * log fails authentication.
 */
const MAGIC = 0x544c;
const HEADER_BYTES = 6;
export const SLOT_BYTES = 32;
const MAX_BODY_BYTES = 16 * 1024 * 1024;
/** The slot of compaction markers; entry slots are SHA-256 hashes, never all zeros. */
export const SEAL_SLOT = Buffer.alloc(SLOT_BYTES);

/** The slot of the entry with this key: its SHA-256, so the log reveals no key. */
export function slotOf(key: string): Buffer {
  return hash('sha256', key, 'buffer');
}

export interface Payload {
  /** The writer's transaction id: how a writer finds its own record's outcome. */
  readonly t: string;
  readonly r?: unknown;
  /** Set on a compaction marker: the epoch ms the generation was sealed at. */
  readonly seal?: number;
}

/** One frame of `payload` for `slot`, and its GCM tag (unique per frame). */
export function encodeFrame(key: Buffer, log: string, slot: Buffer, payload: Payload): { frame: Buffer; tag: string } {
  const frame = seal(key, associatedData(log, slot), JSON.stringify(payload), HEADER_BYTES + SLOT_BYTES);
  frame.writeUInt16BE(MAGIC, 0);
  frame.writeUInt32BE(frame.length - HEADER_BYTES, 2);
  slot.copy(frame, HEADER_BYTES);
  return { frame, tag: tagOf(frame.subarray(HEADER_BYTES + SLOT_BYTES)) };
}

/** The next frame's body at `position`; `incomplete` when the bytes end inside it; a reason string when no frame can start there. */
export function nextFrame(bytes: Buffer, position: number): { body: Buffer; end: number } | 'incomplete' | { damaged: string } {
  if (position + HEADER_BYTES > bytes.length) return 'incomplete';
  if (bytes.readUInt16BE(position) !== MAGIC) return { damaged: 'no frame starts there' };
  const length = bytes.readUInt32BE(position + 2);
  if (length <= SLOT_BYTES || length > MAX_BODY_BYTES) return { damaged: 'the frame there has an impossible length' };
  const end = position + HEADER_BYTES + length;
  if (end > bytes.length) return 'incomplete';
  return { body: bytes.subarray(position + HEADER_BYTES, end), end };
}

/** The slot and sealed payload of a frame body. */
export function splitBody(body: Buffer): { slot: Buffer; sealed: Buffer; tag: string } {
  const sealed = body.subarray(SLOT_BYTES);
  return { slot: body.subarray(0, SLOT_BYTES), sealed, tag: tagOf(sealed) };
}

/** The payload of a sealed frame; StoreCorruptedError naming `file` when it does not authenticate. */
export function openPayload(key: Buffer, log: string, slot: Buffer, sealed: Buffer, file: string): Payload {
  return JSON.parse(unseal(key, associatedData(log, slot), sealed, file).toString('utf8')) as Payload;
}

function associatedData(log: string, slot: Buffer): string {
  return `trustline-log:${log}:${slot.toString('hex')}`;
}

/** The GCM tag of a sealed payload (sealed.ts: 8-byte header, 12-byte IV, 16-byte tag). */
function tagOf(sealed: Buffer): string {
  return sealed.subarray(20, 36).toString('latin1');
}
