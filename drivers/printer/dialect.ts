import { decode } from './decode.js';
import type { PrinterState } from './transport.js';

/**
 * How a printer model is asked for its state and for a completion answer, and how its answers are
 * read back from the link. Answers are parsed as they come, byte by byte, and never accumulated:
 * a printer that floods the link costs CPU, not memory.
 */
export interface Dialect {
  readonly model: 'epson' | 'star';
  /** Asks the printer's whole state (paper near its end, cover, paper out): for checks, and once it says it is offline. */
  readonly statusRequest: Uint8Array;
  /**
   * The shortest request the printer answers with a single reply, as the request enters its
   * receive buffer: an answer proves every byte sent before it was received. One reply per request
   * matters: a printer's TCP stack may hold a second small reply until the first is acknowledged
   * (Nagle), and the PC acknowledges late (delayed ACK), which costs ~40 ms a round.
   */
  readonly pingRequest: Uint8Array;
  /** A request answered once every byte before it is printed, tagged with `id`; null if the model has none. */
  completionRequest(id: number): Uint8Array | null;
  reader(): AnswerReader;
}

/** Where a job's bytes may be split for a request to slip in: after a line feed, a cut, an image band or a QR code, never inside a command. */
export function lineEnds(bytes: Uint8Array, dialect: Dialect): number[] {
  const ends: number[] = [];
  decode(bytes, dialect.model, ends);
  return ends;
}

export interface AnswerReader {
  /** What was just asked, in order: answers are matched to requests; bytes nobody asked for are noise. */
  expect(kind: 'status' | 'ping'): void;
  push(chunk: Uint8Array): void;
  /** Complete answers to requests so far. */
  readonly answers: number;
  /** The state in the newest answer. */
  readonly state: PrinterState | null;
  /** The newest completion answer's id. */
  readonly completed: number | null;
  /** Bytes that answered nothing asked (a noisy link, a printer sending status of its own, a flood). */
  readonly noise: number;
}

/**
 * The state from the three DLE EOT answers (Epson ESC/POS): printer (n=1), offline cause (n=2),
 * roll paper sensor (n=4); the most urgent first.
 */
export function stateFromStatus(printer: number, offline: number, paper: number): PrinterState {
  if (![printer, offline, paper].every(isStatusByte)) return 'unknown';
  if (offline & 0x04) return 'cover-open';
  if (offline & 0x20 || paper & 0x60) return 'paper-out';
  if (printer & 0x08) return 'offline';
  if (paper & 0x0c) return 'paper-near-end';
  return 'online';
}

/** A DLE EOT answer has bits 1 and 4 set and bits 0 and 7 clear. */
function isStatusByte(b: number): boolean {
  return (b & 0x93) === 0x12;
}

/** DLE EOT n: printer (1), offline cause (2), roll paper sensor (4). Each answers one byte. */
const EPSON_STATUS = Uint8Array.from([0x10, 0x04, 0x01, 0x10, 0x04, 0x02, 0x10, 0x04, 0x04]);
/** DLE EOT 1 alone: online or offline (paper out and an open cover make it offline). */
const EPSON_PING = Uint8Array.from([0x10, 0x04, 0x01]);

/** The id as the four ASCII digits of GS ( H's d1..d4. */
function idDigits(id: number): number[] {
  return [...String(id % 10_000).padStart(4, '0')].map((c) => c.charCodeAt(0));
}

/**
 * Epson ESC/POS. Completion: GS ( H fn 48 (process ID response) — the printer sends
 * `37 22 d1 d2 d3 d4 00` once the data before the request has been printed.
 */
export const epson: Dialect = {
  model: 'epson',
  statusRequest: EPSON_STATUS,
  pingRequest: EPSON_PING,
  completionRequest: (id) => Uint8Array.from([0x1d, 0x28, 0x48, 0x06, 0x00, 0x30, 0x30, ...idDigits(id)]),
  reader: () => new EpsonReader(),
};

class EpsonReader implements AnswerReader {
  answers = 0;
  state: PrinterState | null = null;
  completed: number | null = null;
  noise = 0;
  /** sizes of the answers asked for and not yet read: 3 (status), 1 (ping) */
  private expected: number[] = [];
  private current: number[] = [];
  /** paper near its end is only seen in a whole status: a ping's "online" keeps it */
  private nearEnd = false;
  /** bytes of a process ID response being read (0x37 0x22 d1..d4 0x00) */
  private frame: number[] | null = null;

  expect(kind: 'status' | 'ping'): void {
    this.expected.push(kind === 'status' ? 3 : 1);
  }

  push(chunk: Uint8Array): void {
    for (const b of chunk) this.byte(b);
  }

  private byte(b: number): void {
    if (this.frame) {
      const f = this.frame;
      f.push(b);
      if (f.length === 2 && b !== 0x22) return this.dropFrame();
      if (f.length >= 3 && f.length <= 6 && (b < 0x30 || b > 0x39)) return this.dropFrame();
      if (f.length === 7) {
        this.frame = null;
        if (b !== 0x00) {
          this.noise += 7;
          return;
        }
        this.completed = Number(String.fromCharCode(...f.slice(2, 6)));
      }
      return;
    }
    if (b === 0x37) {
      this.frame = [b];
      return;
    }
    if (!isStatusByte(b) || this.expected.length === 0) {
      this.noise++;
      return;
    }
    this.current.push(b);
    if (this.current.length < this.expected[0]!) return;
    const [p = 0, o = 0, r = 0] = this.current;
    const whole = this.expected.shift() === 3;
    this.current = [];
    if (whole) {
      this.state = stateFromStatus(p, o, r);
      this.nearEnd = this.state === 'paper-near-end';
    } else {
      this.state = p & 0x08 ? 'offline' : this.nearEnd ? 'paper-near-end' : 'online';
    }
    this.answers++;
  }

  /** Not a process ID response after all: its bytes are read again as anything else. */
  private dropFrame(): void {
    const f = this.frame ?? [];
    this.frame = null;
    this.noise++; // the 0x37
    for (const b of f.slice(1)) this.byte(b);
  }
}

/** ESC ACK SOH: the automatic status block, sent at once whether automatic status is on or off. */
const STAR_STATUS = Uint8Array.from([0x1b, 0x06, 0x01]);

/**
 * Star Line mode. Status: ESC ACK SOH, answered by the status block (its first byte gives its
 * length; byte 3: offline, cover open; byte 6: paper end, near end). Completion: ESC GS ETX 1 n1 n2,
 * answered `1B 1D 03 01 n1 n2 <counter> 00` once the motor stopped after the data before it (Star
 * advises it over ETB on Ethernet, where ETB's status goes to every connected host).
 */
export const star: Dialect = {
  model: 'star',
  statusRequest: STAR_STATUS,
  pingRequest: STAR_STATUS,
  completionRequest: (id) => Uint8Array.from([0x1b, 0x1d, 0x03, 0x01, Math.floor(id / 100) % 100, id % 100]),
  reader: () => new StarReader(),
};

/** The length of a Star status block from its first byte: bit 5 is 8, bits 3–1 add 0–7. */
function starBlockLength(header: number): number {
  return ((header >> 2) & 0x08) | ((header >> 1) & 0x07);
}

/** A status block's first byte: bit 0 set, bits 4, 6 and 7 clear. */
function isStarHeader(b: number): boolean {
  return (b & 0xd1) === 0x01;
}

export function stateFromStarStatus(block: readonly number[]): PrinterState {
  const s3 = block[2] ?? 0;
  const s6 = block[5] ?? 0;
  if (s3 & 0x20) return 'cover-open';
  if (s6 & 0x08) return 'paper-out';
  if (s3 & 0x08) return 'offline';
  if (s6 & 0x04) return 'paper-near-end';
  return 'online';
}

class StarReader implements AnswerReader {
  answers = 0;
  state: PrinterState | null = null;
  completed: number | null = null;
  noise = 0;
  private block: number[] | null = null;
  private want = 0;
  /** ESC GS ETX 1 n1 n2 counter NUL being read */
  private reply: number[] | null = null;
  private expected = 0;

  expect(): void {
    this.expected++; // every Star request gets the whole status block
  }

  push(chunk: Uint8Array): void {
    for (const b of chunk) this.byte(b);
  }

  private byte(b: number): void {
    if (this.reply) {
      const r = this.reply;
      r.push(b);
      const expect = [0x1b, 0x1d, 0x03, 0x01];
      if (r.length <= 4 && b !== expect[r.length - 1]) {
        this.reply = null;
        this.noise += r.length - 1;
        this.byte(b);
        return;
      }
      if (r.length === 8) {
        this.reply = null;
        if (b === 0x00) this.completed = (r[4] ?? 0) * 100 + (r[5] ?? 0);
        else this.noise += 8;
      }
      return;
    }
    if (this.block) {
      this.block.push(b);
      if (this.block.length === this.want) {
        if (this.expected > 0) {
          this.expected--;
          this.state = stateFromStarStatus(this.block);
          this.answers++;
        } else {
          this.noise += this.want; // a status block nobody asked for (automatic status back)
        }
        this.block = null;
      }
      return;
    }
    if (b === 0x1b) {
      this.reply = [b];
      return;
    }
    if (isStarHeader(b) && starBlockLength(b) >= 7) {
      this.block = [b];
      this.want = starBlockLength(b);
      return;
    }
    this.noise++;
  }
}

export function dialectFor(model: 'epson' | 'star'): Dialect {
  return model === 'star' ? star : epson;
}
