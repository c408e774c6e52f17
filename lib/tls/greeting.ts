import net from 'node:net';
import { ProtocolMismatchError } from './errors.ts';
import type { Protocol, StartTlsKind } from './protocols.ts';

/** Longest wait for a greeting when finding out what a server speaks instead of TLS. */
const SNIFF_MS = 3000;

interface Spoken {
  /** The protocol's name in a sentence ("IMAP"). */
  readonly name: string;
  readonly kind: StartTlsKind;
  /** The `--protocol` that checks a server greeting this way. */
  readonly protocol: Protocol;
}

const GREETINGS: readonly [RegExp, Spoken][] = [
  [/^\* (OK|PREAUTH|BYE)\b/i, { name: 'IMAP', kind: 'imap', protocol: 'imap-starttls' }],
  [/^[+-](OK|ERR)\b/, { name: 'POP3', kind: 'pop3', protocol: 'pop3-starttls' }],
  [/^[245]\d\d[ -]/, { name: 'SMTP', kind: 'smtp', protocol: 'smtp-starttls' }],
];

/** The protocol a server's first plain-text line belongs to, if it is one Trustline checks. */
export function identifyGreeting(line: string): Spoken | undefined {
  return GREETINGS.find(([pattern]) => pattern.test(line))?.[1];
}

const shown = (line: string) => line.replace(/[^\x20-\x7E]/g, '?').slice(0, 100);

/** Throws ProtocolMismatchError when a STARTTLS dialogue's first line shows the server speaks another protocol. */
export function assertSpeaks(kind: StartTlsKind, line: string, address: string): void {
  const spoken = identifyGreeting(line);
  if (spoken !== undefined && spoken.kind !== kind)
    throw new ProtocolMismatchError(address, spoken.name, spoken.protocol, kind.toUpperCase(), `greeted "${shown(line)}"`);
}

/**
 * Opens a second plain connection and reads the server's first line, to tell why a TLS
 * handshake met plain text. Resolves undefined when the server says nothing in time.
 */
export function sniffGreeting(host: string, port: number, waitMs: number, sockets: net.Socket[], lookup: net.LookupFunction): Promise<string | undefined> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port, lookup });
    sockets.push(socket);
    let text = '';
    const done = (line: string | undefined) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(line);
    };
    const timer = setTimeout(
      () => {
        done(undefined);
      },
      Math.min(waitMs, SNIFF_MS),
    );
    socket.on('data', (chunk: Buffer) => {
      text += chunk.toString('latin1');
      const end = text.indexOf('\n');
      if (end >= 0 || text.length > 1024) done(text.slice(0, end >= 0 ? end : 1024).replace(/\r$/, ''));
    });
    socket.once('error', () => {
      done(undefined);
    });
    socket.once('end', () => {
      done(text === '' ? undefined : text);
    });
  });
}

/** The ProtocolMismatchError for an implicit-TLS check that met a plain-text greeting, if it names a known protocol. */
export function plainTextMismatch(line: string | undefined, address: string): ProtocolMismatchError | undefined {
  const spoken = line === undefined ? undefined : identifyGreeting(line);
  if (line === undefined || spoken === undefined) return undefined;
  return new ProtocolMismatchError(address, `${spoken.name} in plain text`, spoken.protocol, 'TLS', `greeted "${shown(line)}"`);
}
