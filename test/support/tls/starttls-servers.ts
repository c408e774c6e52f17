import net from 'node:net';
import tls from 'node:tls';
import { listen, type Running } from './servers.ts';

/** The certificate a STARTTLS server presents after the upgrade. */
export interface ServerIdentity {
  readonly keyPem: string;
  readonly certPem: string;
}

interface Conversation {
  /** Called with each CRLF line the client sends; returns what to answer and whether to upgrade after it. */
  onLine(line: string, send: (text: string) => void): { upgrade?: boolean } | undefined;
  greet(send: (text: string) => void): void;
}

function upgrade(socket: net.Socket, identity: ServerIdentity) {
  const secure = new tls.TLSSocket(socket, { isServer: true, key: identity.keyPem, cert: identity.certPem });
  secure.on('error', () => undefined);
}

function lineServer(identity: ServerIdentity, conversation: () => Conversation): Promise<Running> {
  const server = net.createServer((socket) => {
    const talk = conversation();
    const send = (text: string) => {
      if (!socket.destroyed) socket.write(text);
    };
    let buffer = '';
    const onData = (chunk: Buffer) => {
      buffer += chunk.toString('latin1');
      for (let end = buffer.indexOf('\r\n'); end >= 0; end = buffer.indexOf('\r\n')) {
        const line = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        if (talk.onLine(line, send)?.upgrade === true) {
          socket.off('data', onData);
          upgrade(socket, identity);
          return;
        }
      }
    };
    socket.on('data', onData);
    talk.greet(send);
  });
  return listen(server);
}

export interface SmtpOptions {
  /** Milliseconds before the greeting's last line. */
  readonly greetingDelayMs?: number;
  /** Answer STARTTLS with this reply instead of 220 (e.g. "454 4.7.0 TLS not available"). */
  readonly refuseWith?: string;
  /** Leave STARTTLS out of the EHLO answer. */
  readonly withoutStartTls?: boolean;
  /** Records every line the client sent and when, relative to the greeting's completion. */
  readonly log?: { line: string; afterGreeting: boolean }[];
}

/** An SMTP server with a multi-line (and optionally slow) 220 greeting and STARTTLS. */
export function smtpServer(identity: ServerIdentity, options: SmtpOptions = {}): Promise<Running> {
  return lineServer(identity, () => {
    let greeted = false;
    return {
      greet(send) {
        send('220-mail.test ESMTP Trustline test server\r\n');
        send('220-No unsolicited mail\r\n');
        setTimeout(() => {
          greeted = true;
          send('220 mail.test ready\r\n');
        }, options.greetingDelayMs ?? 0).unref();
      },
      onLine(line, send) {
        options.log?.push({ line, afterGreeting: greeted });
        if (/^EHLO /i.test(line)) {
          const extensions = [
            '250-mail.test',
            '250-PIPELINING',
            '250-SIZE 10240000',
            ...(options.withoutStartTls === true ? [] : ['250-STARTTLS']),
            '250 8BITMIME',
          ];
          send(extensions.join('\r\n') + '\r\n');
        } else if (/^STARTTLS$/i.test(line)) {
          if (options.refuseWith !== undefined) send(`${options.refuseWith}\r\n`);
          else {
            send('220 2.0.0 Ready to start TLS\r\n');
            return { upgrade: true };
          }
        } else send('502 5.5.2 Error: command not recognized\r\n');
        return undefined;
      },
    };
  });
}

/** An IMAP server whose greeting advertises STARTTLS; untagged noise precedes the tagged OK. */
export function imapServer(identity: ServerIdentity, options: { refuse?: boolean } = {}): Promise<Running> {
  return lineServer(identity, () => ({
    greet(send) {
      send('* OK [CAPABILITY IMAP4rev1 STARTTLS LOGINDISABLED] Trustline test IMAP ready\r\n');
    },
    onLine(line, send) {
      const [tag = '*', command = ''] = line.split(' ');
      if (command.toUpperCase() !== 'STARTTLS') {
        send(`${tag} BAD unknown command\r\n`);
        return undefined;
      }
      if (options.refuse === true) {
        send(`${tag} NO STARTTLS is disabled\r\n`);
        return undefined;
      }
      send('* OK noise before the answer\r\n');
      send(`${tag} OK Begin TLS negotiation now\r\n`);
      return { upgrade: true };
    },
  }));
}

/** A POP3 server answering STLS. */
export function pop3Server(identity: ServerIdentity, options: { refuse?: boolean } = {}): Promise<Running> {
  return lineServer(identity, () => ({
    greet(send) {
      send('+OK Trustline test POP3 ready\r\n');
    },
    onLine(line, send) {
      if (line.toUpperCase() !== 'STLS') {
        send('-ERR unknown command\r\n');
        return undefined;
      }
      if (options.refuse === true) {
        send('-ERR TLS not available\r\n');
        return undefined;
      }
      send('+OK Begin TLS negotiation\r\n');
      return { upgrade: true };
    },
  }));
}

/** An LDAP server that answers the StartTLS extended request (minimal BER), or refuses with `resultCode`. */
export function ldapServer(identity: ServerIdentity, options: { resultCode?: number; withResponseName?: boolean } = {}): Promise<Running> {
  const server = net.createServer((socket) => {
    let bytes = Buffer.alloc(0);
    const onData = (chunk: Buffer) => {
      bytes = Buffer.concat([bytes, chunk]);
      if (bytes.length < 2 || bytes.length < 2 + (bytes[1] ?? 0)) return;
      socket.off('data', onData);
      const code = options.resultCode ?? 0;
      const diagnostic = Buffer.from(code === 0 ? '' : 'unsupported extended operation', 'latin1');
      const oid = Buffer.from('1.3.6.1.4.1.1466.20037', 'latin1');
      const name = options.withResponseName === true ? Buffer.concat([Buffer.from([0x8a, oid.length]), oid]) : Buffer.alloc(0);
      const inner = Buffer.concat([Buffer.from([0x0a, 0x01, code, 0x04, 0x00, 0x04, diagnostic.length]), diagnostic, name]);
      const op = Buffer.concat([Buffer.from([0x78, inner.length]), inner]);
      const body = Buffer.concat([Buffer.from([0x02, 0x01, 0x01]), op]);
      socket.write(Buffer.concat([Buffer.from([0x30, body.length]), body]));
      if (code === 0) upgrade(socket, identity);
    };
    socket.on('data', onData);
  });
  return listen(server);
}
