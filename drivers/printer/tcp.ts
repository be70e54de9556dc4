import net from 'node:net';
import { type PrinterState, type PrinterTransport, STATUS_REQUESTS, StatusAnswers, OneAtATime } from './transport.js';

export interface TcpOptions {
  host: string;
  port: number;
  connectTimeoutMs?: number;
  statusTimeoutMs?: number;
  /** Network printers drop a connection idle for ~90 s: one idle this long is replaced before use. */
  maxIdleMs?: number;
}

/**
 * A network printer on its raw port (9100). One connection, opened on demand and kept while in
 * use; a connection the printer may have dropped (idle too long, or closed by it) is replaced
 * before a job rather than discovered half-way through one.
 */
export class TcpTransport implements PrinterTransport {
  readonly kind = 'tcp';
  private socket: net.Socket | null = null;
  private lastUsed = 0;
  private readonly answers = new StatusAnswers();
  private readonly link = new OneAtATime();

  constructor(private readonly options: TcpOptions) {}

  send(bytes: Uint8Array): Promise<void> {
    return this.link.run(async () => {
      const socket = await this.connection();
      await new Promise<void>((resolve, reject) => {
        socket.write(bytes, (err) => (err ? reject(this.explain(err)) : resolve()));
      });
      this.lastUsed = Date.now();
    });
  }

  status(): Promise<PrinterState> {
    return this.link.run(async () => {
      const reused = this.socket !== null && !this.socket.destroyed;
      const first = await this.ask();
      if (first !== null) return first;
      // No answer on a connection kept from before: it may be dead (printer switched off). Ask
      // again on a fresh one: refused means offline; silent means a printer without DLE EOT.
      if (reused) {
        this.drop();
        const second = await this.ask();
        if (second !== null) return second;
      }
      return 'unknown';
    });
  }

  /** One DLE EOT exchange: the state, 'offline' if no connection, null if no answer in time. */
  private async ask(): Promise<PrinterState | null> {
    let socket: net.Socket;
    try {
      socket = await this.connection();
    } catch {
      return 'offline';
    }
    this.answers.reset();
    socket.write(STATUS_REQUESTS);
    const state = await this.answers.state(this.options.statusTimeoutMs ?? 1000, () => !socket.destroyed);
    this.lastUsed = Date.now();
    return state;
  }

  async close(): Promise<void> {
    this.drop();
  }


  private drop(): void {
    this.socket?.destroy();
    this.socket = null;
  }

  private explain(err: Error & { code?: string }): Error {
    const where = `${this.options.host}:${this.options.port}`;
    const text =
      err.code === 'ECONNREFUSED'
        ? `the printer at ${where} refused the connection (is it on, and is ${this.options.port} its raw port?)`
        : err.code === 'EHOSTUNREACH' || err.code === 'ENETUNREACH' || err.code === 'ETIMEDOUT'
          ? `the printer at ${where} cannot be reached (is it on and on the network?)`
          : `the printer at ${where}: ${err.message}`;
    return new Error(text);
  }

  private async connection(): Promise<net.Socket> {
    const idle = Date.now() - this.lastUsed > (this.options.maxIdleMs ?? 60_000);
    if (this.socket && !this.socket.destroyed && !idle) return this.socket;
    this.drop();
    const socket = net.connect({ host: this.options.host, port: this.options.port });
    socket.setNoDelay(true); // a ticket is one write: send it now, not after Nagle's wait
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new Error(`the printer at ${this.options.host}:${this.options.port} did not answer within ${(this.options.connectTimeoutMs ?? 3000) / 1000} s (is it on?)`));
      }, this.options.connectTimeoutMs ?? 3000);
      socket.once('connect', () => {
        clearTimeout(timer);
        resolve();
      });
      socket.once('error', (err) => {
        clearTimeout(timer);
        reject(this.explain(err));
      });
    });
    socket.on('data', (d: Buffer) => this.answers.push(d));
    socket.on('error', () => {
      if (this.socket === socket) this.socket = null;
    });
    socket.on('close', () => {
      if (this.socket === socket) this.socket = null;
      this.answers.wake();
    });
    this.socket = socket;
    this.lastUsed = Date.now();
    return socket;
  }
}
