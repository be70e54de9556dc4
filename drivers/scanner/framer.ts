/**
 * Turns the bytes a serial scanner sends into codes. A code ends at CR, LF or CRLF (a CRLF split
 * across two reads is one end, not an empty code); bytes of one code may arrive over several
 * reads. For scanners set up without a terminator, a pause of `interByteTimeoutMs` ends the code.
 * A configured prefix or suffix (e.g. a scanner that sends STX … ETX) is stripped.
 */
export interface FramerOptions {
  prefix?: string;
  suffix?: string;
  /** 0 or absent: only CR/LF end a code. */
  interByteTimeoutMs?: number;
  /** A line this long without a terminator is noise (a wrong baud rate): it is dropped. */
  maxLength?: number;
}

const CR = 0x0d;
const LF = 0x0a;

export class CodeFramer {
  private buffer: number[] = [];
  private lastWasCR = false;
  /** After an overlong line, the rest of it is noise too: skipped until the next terminator. */
  private discarding = false;
  private timer: NodeJS.Timeout | null = null;
  private readonly maxLength: number;

  constructor(
    private readonly onCode: (code: string) => void,
    private readonly options: FramerOptions = {},
  ) {
    this.maxLength = options.maxLength ?? 512;
  }

  push(chunk: Uint8Array): void {
    for (const byte of chunk) {
      if (byte === CR || byte === LF) {
        // LF right after CR: the second half of a CRLF, even across reads
        if (this.discarding) this.discarding = false;
        else if (!(byte === LF && this.lastWasCR)) this.end();
        this.lastWasCR = byte === CR;
        continue;
      }
      this.lastWasCR = false;
      if (this.discarding) continue;
      if (this.buffer.length >= this.maxLength) {
        this.buffer = [];
        this.discarding = true;
        continue;
      }
      this.buffer.push(byte);
    }
    this.arm();
  }

  /** Drops what is buffered (the port went away mid-code). */
  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.buffer = [];
    this.discarding = false;
    this.lastWasCR = false;
  }

  private arm(): void {
    const ms = this.options.interByteTimeoutMs ?? 0;
    if (ms <= 0) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = this.buffer.length > 0 ? setTimeout(() => this.end(), ms) : null;
  }

  private end(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.buffer.length === 0) return;
    let code = Buffer.from(this.buffer).toString('utf8');
    this.buffer = [];
    const { prefix, suffix } = this.options;
    if (prefix && code.startsWith(prefix)) code = code.slice(prefix.length);
    if (suffix && code.endsWith(suffix)) code = code.slice(0, -suffix.length);
    if (code.length > 0) this.onCode(code);
  }
}
