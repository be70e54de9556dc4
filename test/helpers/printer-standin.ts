import net from 'node:net';
import { decode, type Printed } from '../../drivers/printer/decode.js';

/**
 * A network printer stand-in: listens like a printer's raw port, records every byte it receives,
 * and answers real-time status requests (DLE EOT 1, 2, 4) the way an Epson printer does. Tests
 * switch it off and on, open its cover or take its paper away.
 */
export class PrinterStandIn {
  private server: net.Server | null = null;
  private sockets = new Set<net.Socket>();
  private bytes: number[] = [];
  port = 0;
  cover = false;
  paper: 'ok' | 'near-end' | 'out' = 'ok';
  /** Some printers never answer DLE EOT: then status is "unknown". */
  answersStatus = true;
  /** Called the moment a cut (GS V) or a drawer pulse (ESC p) arrives (benchmarks time on it). */
  onCut: (() => void) | null = null;
  onDrawer: (() => void) | null = null;

  async start(port = this.port): Promise<void> {
    const server = net.createServer((socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
      socket.on('error', () => undefined);
      socket.on('data', (chunk) => this.receive(socket, chunk));
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve());
    });
    this.server = server;
    const addr = server.address();
    if (addr && typeof addr === 'object') this.port = addr.port;
  }

  /** Switched off: refuses connections and drops the open ones. */
  async stop(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
    const server = this.server;
    this.server = null;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Drops the open connections, as printers do after ~90 s idle. */
  dropConnections(): void {
    for (const s of this.sockets) s.destroy();
  }

  received(): Buffer {
    return Buffer.from(this.bytes);
  }

  printed(): Printed[] {
    return decode(this.received());
  }

  clear(): void {
    this.bytes = [];
  }

  private receive(socket: net.Socket, chunk: Buffer): void {
    for (let i = 0; i < chunk.length; i++) {
      if (chunk[i] === 0x10 && chunk[i + 1] === 0x04 && i + 2 < chunk.length) {
        const n = chunk[i + 2]!;
        if (this.answersStatus) socket.write(Buffer.from([this.statusByte(n)]));
        i += 2;
        continue;
      }
      if (chunk[i] === 0x1d && chunk[i + 1] === 0x56) this.onCut?.();
      if (chunk[i] === 0x1b && chunk[i + 1] === 0x70) this.onDrawer?.();
      this.bytes.push(chunk[i]!);
    }
  }

  private statusByte(n: number): number {
    let b = 0x12;
    if (n === 1 && (this.cover || this.paper === 'out')) b |= 0x08; // offline
    if (n === 2 && this.cover) b |= 0x04;
    if (n === 2 && this.paper === 'out') b |= 0x20;
    if (n === 4 && this.paper === 'near-end') b |= 0x0c;
    if (n === 4 && this.paper === 'out') b |= 0x60;
    return b;
  }
}
