import net from 'node:net';
import tls from 'node:tls';
import { parseExtendedResponse, startTlsRequest } from './starttls-ldap.ts';

/**
 * Second connections that find out what a server speaks after a check met the wrong thing:
 * LDAP has no greeting to read, and an implicit-TLS port answers a STARTTLS dialogue by closing.
 * Each gives up quietly (false) after `waitMs`, and resolves names through the outbound policy's `lookup`.
 */

/** Longest wait of one sniff. */
const SNIFF_MS = 3000;

/** True when the server answers an LDAP StartTLS request in plain text, as an LDAP server does on port 389. */
export function speaksPlainLdap(host: string, port: number, waitMs: number, sockets: net.Socket[], lookup: net.LookupFunction): Promise<boolean> {
  return sniff(waitMs, (done) => {
    const socket = net.connect({ host, port, lookup }, () => socket.write(startTlsRequest()));
    sockets.push(socket);
    let received = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      try {
        parseExtendedResponse(received);
        done(true);
      } catch {
        // Incomplete or not LDAP: wait for more, the end, or the time limit.
      }
    });
    socket.once('error', () => {
      done(false);
    });
    socket.once('end', () => {
      done(false);
    });
    return () => socket.destroy();
  });
}

/** True when a TLS handshake completes on a fresh connection: the port speaks TLS from the first byte. */
export function speaksTls(
  host: string,
  port: number,
  servername: string | undefined,
  waitMs: number,
  sockets: net.Socket[],
  lookup: net.LookupFunction,
): Promise<boolean> {
  return sniff(waitMs, (done) => {
    // Only whether TLS answers matters here, not whom it presents.
    const socket = tls.connect({ host, port, lookup, rejectUnauthorized: false, ...(servername === undefined ? {} : { servername }) }, () => {
      done(true);
    });
    sockets.push(socket);
    socket.once('error', () => {
      done(false);
    });
    return () => socket.destroy();
  });
}

function sniff(waitMs: number, start: (done: (answer: boolean) => void) => () => void): Promise<boolean> {
  return new Promise((resolve) => {
    let stop = (): void => undefined;
    const timer = setTimeout(
      () => {
        done(false);
      },
      Math.max(0, Math.min(waitMs, SNIFF_MS)),
    );
    function done(answer: boolean): void {
      clearTimeout(timer);
      stop();
      resolve(answer);
    }
    stop = start(done);
  });
}
