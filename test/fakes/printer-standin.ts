import net from 'node:net';
import type { Printed } from '../../drivers/printer/decode.js';
import { type EngineOptions, type Feed, PrinterEngine, randomBytes } from './printer-engine.js';

export interface StandInOptions extends EngineOptions {
  /** Serves one connection at a time, as network printers do: others are accepted and left unread (default true). */
  oneSession?: boolean;
  /** Accepts each connection and closes it at once. */
  acceptThenClose?: boolean;
  /** Accepts connections and never reads from them. */
  neverRead?: boolean;
  /** Sends this many bytes of garbage (random, any value) to every connection it serves, as fast as it can. */
  floodBytes?: number;
  /** A bad line: random bytes (any value) to every connection it serves, this many every 20 ms. */
  lineNoise?: number;
}

/**
 * A network printer's raw port (9100) on 127.0.0.1, with a printer inside (`PrinterEngine`): one
 * session at a time, a small buffer read at paper speed, status answered as an Epson does, and the
 * misbehaviours of the field on request. Tests count what it printed, never what the agent says.
 */
export class PrinterStandIn {
  readonly engine: PrinterEngine;
  port = 0;
  oneSession: boolean;
  acceptThenClose: boolean;
  neverRead: boolean;
  floodBytes: number;
  lineNoise: number;
  /** connections accepted, and the most served at once */
  connections = 0;
  maxServed = 0;
  /** garbage bytes sent so far (floodBytes) */
  flooded = 0;
  private server: net.Server | null = null;
  private sockets = new Set<net.Socket>();
  private served: net.Socket | null = null;
  private waiting: net.Socket[] = [];
  private feeds = new Map<net.Socket, Feed>();

  constructor(o: StandInOptions = {}) {
    this.engine = new PrinterEngine({ bufferBytes: 64 * 1024, ...o });
    this.oneSession = o.oneSession ?? true;
    this.acceptThenClose = o.acceptThenClose ?? false;
    this.neverRead = o.neverRead ?? false;
    this.floodBytes = o.floodBytes ?? 0;
    this.lineNoise = o.lineNoise ?? 0;
  }

  get cover(): boolean {
    return this.engine.cover;
  }
  set cover(v: boolean) {
    this.engine.cover = v;
    this.engine.poke();
  }
  get paper(): 'ok' | 'near-end' | 'out' {
    return this.engine.paper;
  }
  set paper(v: 'ok' | 'near-end' | 'out') {
    this.engine.paper = v;
    this.engine.poke();
  }
  get answersStatus(): boolean {
    return this.engine.answersStatus;
  }
  set answersStatus(v: boolean) {
    this.engine.answersStatus = v;
  }
  set onCut(f: (() => void) | null) {
    this.engine.onCut = f;
  }
  set onDrawer(f: (() => void) | null) {
    this.engine.onDrawer = f;
  }

  async start(port = this.port): Promise<void> {
    const server = net.createServer({ pauseOnConnect: true }, (socket) => this.accept(socket));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve());
    });
    this.server = server;
    const addr = server.address();
    if (addr && typeof addr === 'object') this.port = addr.port;
  }

  /** Switched off: refuses connections and drops the open ones (what it had not printed is lost). */
  async stop(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
    this.served = null;
    this.waiting = [];
    this.feeds.clear();
    this.engine.powerOff();
    const server = this.server;
    this.server = null;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Drops the open connections, as printers do after ~90 s idle. */
  dropConnections(): void {
    for (const s of this.sockets) s.destroy();
  }

  received(): Buffer {
    return this.engine.received();
  }

  printed(): Printed[] {
    return this.engine.printed();
  }

  clear(): void {
    this.engine.clear();
  }

  private accept(socket: net.Socket): void {
    this.connections++;
    this.sockets.add(socket);
    socket.on('error', () => undefined);
    socket.on('close', () => this.closed(socket));
    if (this.acceptThenClose) {
      socket.destroy();
      return;
    }
    if (this.neverRead) return; // accepted (the kernel did), never read
    if (this.oneSession && this.served) {
      this.waiting.push(socket); // left unread until the session before it ends
      return;
    }
    this.serve(socket);
  }

  private serve(socket: net.Socket): void {
    this.served = socket;
    const feed: Feed = {
      reply: (bytes) => {
        if (!socket.destroyed) socket.write(bytes);
      },
      get open() {
        return !socket.destroyed && socket.writable;
      },
    };
    this.feeds.set(socket, feed);
    this.maxServed = Math.max(this.maxServed, [...this.feeds.keys()].filter((s) => !s.destroyed).length);
    socket.on('data', (chunk: Buffer) => this.engine.receive(feed, chunk));
    // the host is done: a printer reads to the end, then closes its side (a hung one never does)
    socket.on('end', () => void this.engine.entered(feed).then(() => socket.end()));
    if (this.floodBytes > 0) void this.flood(socket, this.floodBytes);
    if (this.lineNoise > 0) {
      const timer = setInterval(() => {
        if (this.lineNoise > 0 && !socket.destroyed && socket.writable) socket.write(randomBytes(this.lineNoise));
      }, 20);
      socket.once('close', () => clearInterval(timer));
    }
    socket.resume();
  }

  private async flood(socket: net.Socket, total: number): Promise<void> {
    const chunk = randomBytes(64 * 1024);
    for (let sent = 0; sent < total && !socket.destroyed && socket.writable; sent += chunk.length) {
      this.flooded += chunk.length;
      if (!socket.write(chunk)) {
        await new Promise<void>((resolve) => {
          const done = () => {
            socket.off('drain', done).off('close', done);
            resolve();
          };
          socket.on('drain', done).on('close', done);
        });
      }
    }
  }

  private closed(socket: net.Socket): void {
    this.sockets.delete(socket);
    this.feeds.delete(socket);
    this.waiting = this.waiting.filter((s) => s !== socket);
    if (this.served !== socket) return;
    this.served = null;
    // the next connection in line is served; those closed while they waited are skipped
    let next = this.waiting.shift();
    while (next && next.destroyed) next = this.waiting.shift();
    if (next) this.serve(next);
  }
}
