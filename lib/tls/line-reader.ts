import type { Socket } from 'node:net';

/** Longest plain-text line accepted from a server before the probe gives up on it. */
const MAX_LINE_BYTES = 8192;

/**
 * Reads CRLF-terminated lines from a plain-text socket (SMTP, IMAP, POP3) and lets go of
 * it, without consuming anything beyond, before the TLS upgrade.
 */
export class LineReader {
  private buffer = '';
  private waiting: { resolve: (line: string) => void; reject: (error: Error) => void } | undefined;
  private failure: Error | undefined;

  constructor(private readonly socket: Socket) {
    socket.on('data', this.onData);
    socket.on('end', this.onEnd);
    socket.on('error', this.onError);
  }

  /** The next line without its line ending; rejects when the server closes or sends garbage. */
  next(): Promise<string> {
    const line = this.take();
    if (line !== undefined) return Promise.resolve(line);
    if (this.failure !== undefined) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      this.waiting = { resolve, reject };
    });
  }

  /** Sends one command line (CRLF appended). */
  send(line: string): void {
    this.socket.write(`${line}\r\n`, 'latin1');
  }

  /** Stops reading so TLS can take over the socket. */
  release(): void {
    this.socket.off('data', this.onData);
    this.socket.off('end', this.onEnd);
    this.socket.off('error', this.onError);
    this.socket.pause();
  }

  private take(): string | undefined {
    const end = this.buffer.indexOf('\n');
    if (end < 0) return undefined;
    const line = this.buffer.slice(0, end).replace(/\r$/, '');
    this.buffer = this.buffer.slice(end + 1);
    return line;
  }

  private readonly onData = (chunk: Buffer) => {
    // latin1 maps bytes one to one, so nothing a server sends can break the decoding.
    this.buffer += chunk.toString('latin1');
    if (this.buffer.length > MAX_LINE_BYTES && !this.buffer.includes('\n')) {
      this.fail(new Error(`the server sent more than ${String(MAX_LINE_BYTES)} bytes without a line break`));
      return;
    }
    const waiting = this.waiting;
    const line = waiting === undefined ? undefined : this.take();
    if (waiting !== undefined && line !== undefined) {
      this.waiting = undefined;
      waiting.resolve(line);
    }
  };

  private readonly onEnd = () => {
    this.fail(new Error('the server closed the connection'));
  };

  private readonly onError = (error: Error) => {
    this.fail(error);
  };

  private fail(error: Error) {
    this.failure ??= error;
    const waiting = this.waiting;
    this.waiting = undefined;
    waiting?.reject(this.failure);
  }
}
