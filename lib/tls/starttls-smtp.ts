import type { Deadline } from './deadline.ts';
import { assertSpeaks } from './greeting.ts';
import { StartTlsRefusedError } from './errors.ts';
import type { LineReader } from './line-reader.ts';

/** A long EHLO answer lists a few dozen extensions; more is not an SMTP server. */
const MAX_REPLY_LINES = 100;

interface Reply {
  readonly code: number;
  readonly lines: string[];
}

/** One SMTP reply, multi-line (`250-…` … `250 …`) included (RFC 5321 §4.2.1). */
async function readReply(reader: LineReader, address: string, first?: string): Promise<Reply> {
  const lines: string[] = [];
  for (let i = 0; i < MAX_REPLY_LINES; i++) {
    const line = i === 0 && first !== undefined ? first : await reader.next();
    const match = /^(\d{3})([ -]?)(.*)$/.exec(line);
    if (match === null) throw new StartTlsRefusedError(address, 'an SMTP reply such as "220 mail.example.com ESMTP"', line.slice(0, 200));
    lines.push(match[3] ?? '');
    if (match[2] !== '-') return { code: Number(match[1]), lines };
  }
  throw new StartTlsRefusedError(address, `an SMTP reply of at most ${String(MAX_REPLY_LINES)} lines`, 'a longer reply');
}

const show = (reply: Reply) => `${String(reply.code)} ${reply.lines.join(' / ')}`.slice(0, 200);

/**
 * SMTP STARTTLS (RFC 3207): wait for the whole 220 greeting before saying anything (Postfix
 * postscreen drops clients that talk first), EHLO, check STARTTLS is offered, STARTTLS, 220.
 */
export async function smtpStartTls(reader: LineReader, deadline: Deadline, address: string): Promise<void> {
  deadline.stage = 'greeting';
  const first = await reader.next();
  assertSpeaks('smtp', first, address);
  const greeting = await readReply(reader, address, first);
  if (greeting.code !== 220) throw new StartTlsRefusedError(address, 'a 220 greeting', show(greeting));
  deadline.stage = 'starttls';
  reader.send('EHLO trustline.invalid');
  const ehlo = await readReply(reader, address);
  if (ehlo.code !== 250) throw new StartTlsRefusedError(address, '250 to EHLO', show(ehlo));
  if (!ehlo.lines.some((line) => /^STARTTLS\b/i.test(line))) {
    throw new StartTlsRefusedError(address, 'STARTTLS among the EHLO extensions', show(ehlo));
  }
  reader.send('STARTTLS');
  const ready = await readReply(reader, address);
  if (ready.code !== 220) throw new StartTlsRefusedError(address, '220 to STARTTLS', show(ready));
}
