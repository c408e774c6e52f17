import type { Socket } from 'node:net';
import type { Deadline } from './deadline.ts';
import { StartTlsRefusedError } from './errors.ts';

const STARTTLS_OID = '1.3.6.1.4.1.1466.20037';
/** An ExtendedResponse is a few dozen bytes; anything far larger is not one. */
const MAX_RESPONSE_BYTES = 16 * 1024;

/** RFC 4511 §4.14 ExtendedRequest, messageID 1: SEQUENCE { 1, [APPLICATION 23] { [0] OID } }. */
export function startTlsRequest(): Buffer {
  const oid = Buffer.from(STARTTLS_OID, 'latin1');
  const requestName = Buffer.concat([Buffer.from([0x80, oid.length]), oid]);
  const extended = Buffer.concat([Buffer.from([0x77, requestName.length]), requestName]);
  const body = Buffer.concat([Buffer.from([0x02, 0x01, 0x01]), extended]);
  return Buffer.concat([Buffer.from([0x30, body.length]), body]);
}

interface Tlv {
  readonly tag: number;
  readonly start: number;
  readonly end: number;
}

/** One BER TLV at `offset`; undefined while more bytes are needed. Definite lengths only (LDAP uses no others). */
export function readTlv(bytes: Buffer, offset: number): Tlv | undefined {
  if (offset + 2 > bytes.length) return undefined;
  const tag = bytes[offset] ?? 0;
  const first = bytes[offset + 1] ?? 0;
  let length = first;
  let start = offset + 2;
  if (first & 0x80) {
    const count = first & 0x7f;
    if (count === 0 || count > 3) throw new RangeError('unsupported BER length');
    if (start + count > bytes.length) return undefined;
    length = 0;
    for (let i = 0; i < count; i++) length = length * 256 + (bytes[start + i] ?? 0);
    start += count;
  }
  return start + length > bytes.length ? undefined : { tag, start, end: start + length };
}

/** resultCode and diagnosticMessage of a complete ExtendedResponse message. */
export function parseExtendedResponse(bytes: Buffer): { resultCode: number; diagnostic: string } {
  const message = readTlv(bytes, 0);
  if (message?.tag !== 0x30) throw new RangeError('not an LDAPMessage');
  const messageId = readTlv(bytes, message.start);
  if (messageId?.tag !== 0x02) throw new RangeError('no messageID');
  const op = readTlv(bytes, messageId.end);
  if (op?.tag !== 0x78) throw new RangeError(`not an ExtendedResponse (tag 0x${(op?.tag ?? 0).toString(16)})`);
  const resultCode = readTlv(bytes, op.start);
  if (resultCode?.tag !== 0x0a) throw new RangeError('no resultCode');
  const matchedDn = readTlv(bytes, resultCode.end);
  const diagnostic = matchedDn === undefined ? undefined : readTlv(bytes, matchedDn.end);
  return {
    resultCode: bytes.subarray(resultCode.start, resultCode.end).reduce((acc, byte) => acc * 256 + byte, 0),
    diagnostic: diagnostic?.tag === 0x04 ? bytes.subarray(diagnostic.start, diagnostic.end).toString('utf8') : '',
  };
}

/** Reads one complete BER message from the socket, then stops reading so TLS can take over. */
function readMessage(socket: Socket): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    let bytes = Buffer.alloc(0);
    const done = (error?: Error) => {
      socket.off('data', onData).off('end', onEnd).off('error', done);
      socket.pause();
      if (error === undefined) resolve(bytes);
      else reject(error);
    };
    const onEnd = () => {
      done(new Error('the server closed the connection'));
    };
    const onData = (chunk: Buffer) => {
      bytes = Buffer.concat([bytes, chunk]);
      try {
        if (readTlv(bytes, 0) !== undefined) done();
        else if (bytes.length > MAX_RESPONSE_BYTES) done(new RangeError('the answer is too long for an LDAP ExtendedResponse'));
      } catch (error) {
        done(error as Error);
      }
    };
    socket.on('data', onData).on('end', onEnd).on('error', done);
  });
}

/** LDAP StartTLS extended operation (OID 1.3.6.1.4.1.1466.20037); resultCode 0 means go ahead. */
export async function ldapStartTls(socket: Socket, deadline: Deadline, address: string): Promise<void> {
  deadline.stage = 'starttls';
  socket.write(startTlsRequest());
  let response: { resultCode: number; diagnostic: string };
  try {
    response = parseExtendedResponse(await readMessage(socket));
  } catch (error) {
    throw new StartTlsRefusedError(address, 'an LDAP ExtendedResponse', (error as Error).message);
  }
  if (response.resultCode !== 0) {
    const detail = response.diagnostic === '' ? '' : `: ${response.diagnostic}`;
    throw new StartTlsRefusedError(address, 'resultCode 0 (success)', `resultCode ${String(response.resultCode)}${detail}`);
  }
}
