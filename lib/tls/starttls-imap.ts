import type { Deadline } from './deadline.ts';
import { assertSpeaks } from './greeting.ts';
import { StartTlsRefusedError } from './errors.ts';
import type { LineReader } from './line-reader.ts';

/** Untagged lines a server may send before answering STARTTLS. */
const MAX_UNTAGGED = 50;
const TAG = 'T1';

/** IMAP STARTTLS (RFC 9051 §6.2.1): `* OK` greeting, tagged STARTTLS, `T1 OK`. */
export async function imapStartTls(reader: LineReader, deadline: Deadline, address: string): Promise<void> {
  deadline.stage = 'greeting';
  const greeting = await reader.next();
  assertSpeaks('imap', greeting, address);
  if (!/^\* OK\b/i.test(greeting)) throw new StartTlsRefusedError(address, 'an IMAP greeting "* OK …"', greeting.slice(0, 200));
  deadline.stage = 'starttls';
  reader.send(`${TAG} STARTTLS`);
  for (let i = 0; i < MAX_UNTAGGED; i++) {
    const line = await reader.next();
    if (line.startsWith('* ')) continue;
    if (new RegExp(`^${TAG} OK\\b`, 'i').test(line)) return;
    throw new StartTlsRefusedError(address, `"${TAG} OK" to STARTTLS`, line.slice(0, 200));
  }
  throw new StartTlsRefusedError(address, `"${TAG} OK" to STARTTLS`, `more than ${String(MAX_UNTAGGED)} untagged lines`);
}
