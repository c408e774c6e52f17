import type { Deadline } from './deadline.ts';
import { assertSpeaks } from './greeting.ts';
import { StartTlsRefusedError } from './errors.ts';
import type { LineReader } from './line-reader.ts';

/** POP3 STLS (RFC 2595 §4): `+OK` greeting, STLS, `+OK`; `-ERR` is a refusal. */
export async function pop3StartTls(reader: LineReader, deadline: Deadline, address: string): Promise<void> {
  deadline.stage = 'greeting';
  const greeting = await reader.next();
  assertSpeaks('pop3', greeting, address);
  if (!greeting.startsWith('+OK')) throw new StartTlsRefusedError(address, 'a POP3 greeting "+OK …"', greeting.slice(0, 200));
  deadline.stage = 'starttls';
  reader.send('STLS');
  const answer = await reader.next();
  if (!answer.startsWith('+OK')) throw new StartTlsRefusedError(address, '"+OK" to STLS', answer.slice(0, 200));
}
