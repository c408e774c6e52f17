import net from 'node:net';
import tls, { type ConnectionOptions } from 'node:tls';

/** Longest response line accepted (RFC 2449 allows 512 octets; SASL challenges run longer). */
const MAX_LINE = 16 * 1024;
/** Longest multi-line answer (CAPA) accepted, in lines. */
const MAX_LINES = 200;

/**
 * A minimal POP3 client (RFC 1939, CAPA RFC 2449, STLS RFC 2595, AUTH RFC 5034): just what a
 * login test needs. Every read waits on one connection-wide deadline set by the caller.
 */
export class Pop3Client {
  private buffer = '';
  private readonly lines: string[] = [];
  private waiter: { resolve: (line: string) => void; reject: (error: Error) => void } | undefined;
  private failure: Error | undefined;
  private socket: net.Socket;

  private constructor(socket: net.Socket) {
    this.socket = socket;
    this.attach(socket);
  }

  /**
   * Opens the connection (TLS from the first byte when `tls` is given) without waiting: the
   * caller can track the client at once and reads the greeting with `readLine()`. A connect or
   * handshake failure rejects that read.
   */
  static open(host: string, port: number, tlsOptions: ConnectionOptions | undefined): Pop3Client {
    const socket = tlsOptions === undefined ? net.connect({ host, port }) : tls.connect({ ...tlsOptions, host, port });
    return new Pop3Client(socket);
  }

  get tlsProtocol(): string | undefined {
    return this.socket instanceof tls.TLSSocket ? (this.socket.getProtocol() ?? undefined) : undefined;
  }

  /** Sends a command line and returns the one-line answer. */
  async command(line: string): Promise<string> {
    this.socket.write(`${line}\r\n`);
    return this.readLine();
  }

  /** CAPA: the capability lines, or undefined when the server does not support it. */
  async capabilities(): Promise<string[] | undefined> {
    const status = await this.command('CAPA');
    if (!status.startsWith('+OK')) return undefined;
    const capabilities: string[] = [];
    for (let i = 0; i < MAX_LINES; i++) {
      const line = await this.readLine();
      if (line === '.') return capabilities;
      capabilities.push(line.startsWith('..') ? line.slice(1) : line);
    }
    throw new Error('CAPA answer too long');
  }

  /**
   * STLS, then the TLS handshake over the same socket. `injected` when the server sent anything
   * after its +OK in clear text: that could only be read as if it came over TLS, so the
   * connection is closed instead (RFC 2595 §4).
   */
  async startTls(host: string, tlsOptions: ConnectionOptions): Promise<{ answer: string; injected: boolean }> {
    const answer = await this.command('STLS');
    if (!answer.startsWith('+OK')) return { answer, injected: false };
    // Lines of the same read were split off before the answer was handed over; nothing has run since.
    if (this.lines.length > 0 || this.buffer !== '') {
      this.lines.length = 0;
      this.buffer = '';
      this.destroy();
      return { answer, injected: true };
    }
    const plain = this.socket;
    this.detach(plain);
    this.socket = await new Promise<tls.TLSSocket>((resolve, reject) => {
      const secured = tls.connect({ ...tlsOptions, socket: plain, host }, () => {
        secured.off('error', reject);
        resolve(secured);
      });
      secured.once('error', reject);
    });
    this.attach(this.socket);
    return { answer, injected: false };
  }

  /** Ends the session politely; never throws. */
  async quit(): Promise<void> {
    try {
      await this.command('QUIT');
    } catch {
      // The login result is what matters; a server that drops the line at QUIT is fine.
    }
    this.destroy();
  }

  destroy(error?: Error): void {
    if (error !== undefined) this.fail(error);
    this.socket.destroy();
  }

  /** The next CRLF-terminated line, without its terminator. */
  readLine(): Promise<string> {
    const line = this.lines.shift();
    if (line !== undefined) return Promise.resolve(line);
    if (this.failure !== undefined) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      this.waiter = { resolve, reject };
    });
  }

  private readonly onData = (chunk: Buffer) => {
    this.buffer += chunk.toString('latin1');
    let end = this.buffer.indexOf('\r\n');
    while (end !== -1) {
      this.deliver(this.buffer.slice(0, end));
      this.buffer = this.buffer.slice(end + 2);
      end = this.buffer.indexOf('\r\n');
    }
    if (this.buffer.length > MAX_LINE) this.destroy(new Error('response line too long'));
  };

  private readonly onError = (error: Error) => {
    this.fail(error);
  };
  private readonly onClose = () => {
    this.fail(new Error('the server closed the connection'));
  };

  private attach(socket: net.Socket): void {
    socket.on('data', this.onData);
    socket.on('error', this.onError);
    socket.on('close', this.onClose);
  }

  private detach(socket: net.Socket): void {
    socket.off('data', this.onData);
    socket.off('error', this.onError);
    socket.off('close', this.onClose);
  }

  private deliver(line: string): void {
    const waiter = this.waiter;
    this.waiter = undefined;
    if (waiter === undefined) this.lines.push(line);
    else waiter.resolve(line);
  }

  private fail(error: Error): void {
    this.failure ??= error;
    const waiter = this.waiter;
    this.waiter = undefined;
    waiter?.reject(this.failure);
  }
}
