import { decode, type Printed } from '../../drivers/printer/decode.js';

/**
 * The inside of a receipt printer, as hostile as real ones: a small receive buffer filled from the
 * link only while it has room, emptied at paper speed; real-time status requests (DLE EOT 1, 2, 4)
 * answered when they enter the buffer (so an answer proves the bytes before it arrived); Epson's
 * process ID request (GS ( H fn 48) answered when the bytes before it are printed; paper and cover
 * that stop printing; and misbehaviours: hanging after some bytes, never answering status, noise
 * in the answers, a flood of garbage. What counts is `printed()`: the bytes that reached the paper.
 *
 * The link side is plugged in by the stand-ins (TCP server, pty): each connection is a `Feed`. The
 * stand-ins read their link eagerly into the inbox, so what a real printer's full buffer would
 * leave waiting in the host's kernel is counted here instead: `maxBacklog` is the most the host
 * ever had on its way unread by the printer.
 */
export interface Feed {
  /** sends bytes back to the host on this connection */
  reply(bytes: Uint8Array): void;
  readonly open: boolean;
}

export interface EngineOptions {
  /** receive buffer in bytes (Epson TM: 4 KiB; many: 8 KiB) */
  bufferBytes?: number;
  /** how fast the buffer empties onto paper, bytes per second; Infinity: at once */
  bytesPerSecond?: number;
  /** answers GS ( H process ID requests once printed (Epson TM-T88V and later do) */
  processId?: boolean;
  /** answers DLE EOT status requests (some clones never do) */
  answersStatus?: boolean;
  /** mixes random bytes into every answer (some of them look like answers) */
  noisyAnswers?: boolean;
  /** stops reading, printing and answering for good once this many bytes were read */
  hangAfterBytes?: number | null;
}

type Item = { bytes: Buffer } | { processId: Buffer; feed: Feed };

/** Random bytes, any value: some look like status answers (1 in 16), some start a process ID frame. */
export function randomBytes(n: number): Buffer {
  const b = Buffer.alloc(n);
  for (let i = 0; i < n; i++) b[i] = (Math.random() * 256) | 0;
  return b;
}

const noise = () => randomBytes(5);

export class PrinterEngine {
  bufferBytes: number;
  bytesPerSecond: number;
  processId: boolean;
  answersStatus: boolean;
  noisyAnswers: boolean;
  hangAfterBytes: number | null;
  cover = false;
  paper: 'ok' | 'near-end' | 'out' = 'ok';
  /** called when a cut (GS V) or a drawer pulse (ESC p) reaches the paper (benchmarks time on it) */
  onCut: (() => void) | null = null;
  onDrawer: (() => void) | null = null;

  private paperBytes: number[] = [];
  /** read from the link, waiting for room in the buffer */
  private inbox: Array<{ feed: Feed; bytes: Buffer }> = [];
  private buffer: Item[] = [];
  private buffered = 0;
  private readTotal = 0;
  private hung = false;
  /** a command being read across chunks */
  private partial: number[] = [];
  private timer: NodeJS.Timeout | null = null;
  private lastTick = 0;
  private credit = 0;
  private backlog = 0;
  /** the most bytes ever read from the link but not yet let into the buffer */
  maxBacklog = 0;
  private drainWaiters: Array<{ feed: Feed; resolve: () => void }> = [];

  constructor(o: EngineOptions = {}) {
    this.bufferBytes = o.bufferBytes ?? 8192;
    this.bytesPerSecond = o.bytesPerSecond ?? Infinity;
    this.processId = o.processId ?? true;
    this.answersStatus = o.answersStatus ?? true;
    this.noisyAnswers = o.noisyAnswers ?? false;
    this.hangAfterBytes = o.hangAfterBytes ?? null;
  }

  /** Bytes as they arrive from the link. */
  receive(feed: Feed, chunk: Buffer): void {
    this.inbox.push({ feed, bytes: chunk });
    this.backlog += chunk.length;
    this.maxBacklog = Math.max(this.maxBacklog, this.backlog);
    this.take();
  }

  /** Resolves once every byte this connection sent has entered the buffer (a printer reads to the end before it closes). */
  entered(feed: Feed): Promise<void> {
    if (!this.inbox.some((x) => x.feed === feed)) return Promise.resolve();
    return new Promise((resolve) => this.drainWaiters.push({ feed, resolve }));
  }

  /** Switched off: what it had read but not printed is lost; switched on again it works (no more hang). */
  powerOff(): void {
    this.stop();
    this.inbox = [];
    this.backlog = 0;
    this.drainWaiters = [];
    this.buffer = [];
    this.buffered = 0;
    this.partial = [];
    this.hung = false;
    this.hangAfterBytes = null;
  }

  get isHung(): boolean {
    return this.hung;
  }

  /** The paper (and the state) changed: printing may go on. */
  poke(): void {
    this.take();
    this.schedule();
  }

  /** Bytes on paper (status requests and process ID requests are not printed). */
  received(): Buffer {
    return Buffer.from(this.paperBytes);
  }

  printed(): Printed[] {
    return decode(this.received());
  }

  clear(): void {
    this.paperBytes = [];
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  /** Moves what it can from the inbox to the buffer, prints what it can, and again while anything moves. */
  private take(): void {
    for (;;) {
      const moved = this.fill();
      const printed = this.bytesPerSecond === Infinity ? this.print(Number.MAX_SAFE_INTEGER) : 0;
      if (!moved && !printed) break;
    }
    this.schedule();
  }

  /** Moves bytes from the inbox into the buffer while it has room, answering real-time requests as they enter. */
  private fill(): boolean {
    let moved = false;
    while (this.inbox.length > 0 && !this.hung) {
      const head = this.inbox[0]!;
      let i = 0;
      while (i < head.bytes.length && this.buffered < this.bufferBytes) {
        if (this.hangAfterBytes !== null && this.readTotal >= this.hangAfterBytes) {
          this.hung = true;
          break;
        }
        this.enter(head.feed, head.bytes[i]!);
        this.readTotal++;
        i++;
      }
      if (i > 0) moved = true;
      this.backlog -= i;
      head.bytes = head.bytes.subarray(i);
      if (head.bytes.length > 0) break; // full: the rest waits, as it would in the host's kernel
      this.inbox.shift();
      if (!this.inbox.some((x) => x.feed === head.feed)) {
        const [ready, rest] = [this.drainWaiters.filter((w) => w.feed === head.feed), this.drainWaiters.filter((w) => w.feed !== head.feed)];
        this.drainWaiters = rest;
        for (const w of ready) w.resolve();
      }
    }
    return moved;
  }

  /** One byte enters the receive buffer. */
  private enter(feed: Feed, b: number): void {
    const p = this.partial;
    p.push(b);
    // DLE EOT n: real-time, answered now, never printed
    if (p[0] === 0x10) {
      if (p.length === 1) return;
      if (p[1] !== 0x04) return this.flushPartial();
      if (p.length < 3) return;
      const n = p[2]!;
      this.partial = [];
      if (this.answersStatus && feed.open) {
        const answer = Buffer.from([this.statusByte(n)]);
        feed.reply(this.noisyAnswers ? Buffer.concat([noise(), answer]) : answer);
      }
      return;
    }
    // GS ( H pL pH fn m d1..d4: queued in the buffer, answered when printing reaches it
    if (p[0] === 0x1d) {
      if (p.length === 1) return;
      if (p[1] !== 0x28) return this.flushPartial();
      if (p.length === 2) return;
      if (p[2] !== 0x48) return this.flushPartial();
      if (p.length < 5) return;
      const len = p[3]! + p[4]! * 256;
      if (p.length < 5 + len) return;
      this.partial = [];
      if (len === 6 && p[5] === 0x30 && p[6] === 0x30) this.push({ processId: Buffer.from(p.slice(7, 11)), feed });
      return;
    }
    this.flushPartial();
  }

  private flushPartial(): void {
    const bytes = Buffer.from(this.partial);
    this.partial = [];
    this.push({ bytes });
  }

  private push(item: Item): void {
    const last = this.buffer.at(-1);
    if ('bytes' in item && last && 'bytes' in last && last.bytes.length < 4096) last.bytes = Buffer.concat([last.bytes, item.bytes]);
    else this.buffer.push(item);
    if ('bytes' in item) this.buffered += item.bytes.length;
  }

  private canPrint(): boolean {
    return !this.hung && !this.cover && this.paper !== 'out';
  }

  private schedule(): void {
    if (this.timer || this.bytesPerSecond === Infinity || this.buffer.length === 0 || !this.canPrint()) return;
    this.lastTick = performance.now();
    this.timer = setTimeout(() => this.tick(), 5);
  }

  private tick(): void {
    this.timer = null;
    const now = performance.now();
    this.credit += ((now - this.lastTick) / 1000) * this.bytesPerSecond;
    this.lastTick = now;
    const whole = Math.floor(this.credit);
    this.credit -= whole;
    this.print(whole);
    this.take();
  }

  /** Prints up to `budget` bytes from the buffer; returns how many items it finished or bytes it printed. */
  private print(budget: number): number {
    let done = 0;
    while (budget > 0 && this.buffer.length > 0 && this.canPrint()) {
      const head = this.buffer[0]!;
      if ('processId' in head) {
        this.buffer.shift();
        done++;
        if (this.processId && head.feed.open) head.feed.reply(Buffer.concat([Buffer.from([0x37, 0x22]), head.processId, Buffer.from([0x00])]));
        continue;
      }
      const n = Math.min(budget, head.bytes.length);
      for (let i = 0; i < n; i++) {
        const b = head.bytes[i]!;
        if (b === 0x1d && head.bytes[i + 1] === 0x56) this.onCut?.();
        if (b === 0x1b && head.bytes[i + 1] === 0x70) this.onDrawer?.();
        this.paperBytes.push(b);
      }
      head.bytes = head.bytes.subarray(n);
      this.buffered -= n;
      budget -= n;
      done += n;
      if (head.bytes.length === 0) this.buffer.shift();
    }
    return done;
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
