import type { SerialOpener, SerialPortLike } from '../scanner/serial.js';
import { openSerialPort } from '../scanner/serial.js';
import { type PrinterState, type PrinterTransport, STATUS_REQUESTS, StatusAnswers, OneAtATime } from './transport.js';

/**
 * A serial printer (RS-232, or USB in virtual COM mode): the port opened on demand and kept, the
 * bytes written and drained, real-time status with DLE EOT like a network printer.
 */
export class SerialTransport implements PrinterTransport {
  readonly kind = 'serial';
  private port: SerialPortLike | null = null;
  private readonly answers = new StatusAnswers();
  private readonly link = new OneAtATime();

  constructor(
    private readonly path: string,
    private readonly baudRate: number,
    private readonly opener: SerialOpener = openSerialPort,
    private readonly statusTimeoutMs = 1000,
  ) {}

  send(bytes: Uint8Array): Promise<void> {
    return this.link.run(async () => {
      const port = await this.open();
      await new Promise<void>((resolve, reject) => {
        port.write(Buffer.from(bytes), (err?: Error | null) => (err ? reject(new Error(`${this.path}: ${err.message}`)) : resolve()));
      });
      await new Promise<void>((resolve) => port.drain(() => resolve()));
    });
  }

  status(): Promise<PrinterState> {
    return this.link.run(async () => {
      let port: SerialPortLike;
      try {
        port = await this.open();
      } catch {
        return 'offline';
      }
      this.answers.reset();
      port.write(STATUS_REQUESTS);
      return (await this.answers.state(this.statusTimeoutMs, () => port.isOpen)) ?? 'unknown';
    });
  }

  async close(): Promise<void> {
    const port = this.port;
    this.port = null;
    if (port?.isOpen) await new Promise<void>((resolve) => port.close(() => resolve()));
  }


  private async open(): Promise<SerialPortLike> {
    if (this.port?.isOpen) return this.port;
    const port = await this.opener(this.path, this.baudRate);
    try {
      await new Promise<void>((resolve, reject) => port.open((err) => (err ? reject(err) : resolve())));
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      throw new Error(/ENOENT|No such file/.test(message) ? `${this.path} not found: is the printer plugged in and on?` : `${this.path}: ${message}`);
    }
    port.on('data', (d: Buffer) => this.answers.push(d));
    port.on('error', () => undefined);
    port.on('close', () => {
      if (this.port === port) this.port = null;
      this.answers.wake();
    });
    this.port = port;
    return port;
  }
}
