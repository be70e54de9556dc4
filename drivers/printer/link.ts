/**
 * A byte link to a printer, whatever the cable: what the session needs of a TCP socket, a serial
 * port, a USB bulk pipe or a device file. Writes resolve when the operating system or the device
 * took the bytes (backpressure), which is not a confirmation: the session asks the printer for that.
 */
export interface ByteLink {
  /** Whether the printer can answer on this link. */
  readonly canRead: boolean;
  /** Resolves once the bytes are taken (socket flushed to the kernel, port drained, USB transfer done). */
  write(bytes: Uint8Array): Promise<void>;
  /** Bytes from the printer, as they come. */
  onData(listener: (chunk: Uint8Array) => void): void;
  /** Resolves with the reason when the link goes away (closed by the far side, reset, unplugged). */
  readonly gone: Promise<string>;
  /**
   * Lets the link go cleanly: what was written goes out, then the link closes. Resolves true when
   * it closed cleanly within `timeoutMs` (a TCP printer closed its side too, without a reset), false
   * otherwise (the link is then dropped).
   */
  end(timeoutMs: number): Promise<boolean>;
  /** Drops the link at once. */
  destroy(): void;
}

/**
 * A signal many waiters can await: `fire()` wakes them all. Each fire counts, so a waiter that
 * read the count before looking at the state never misses a fire that came in between.
 */
export class Pulse {
  count = 0;
  private resolve: () => void = () => undefined;
  private promise: Promise<void> = this.arm();

  private arm(): Promise<void> {
    return new Promise<void>((r) => (this.resolve = r));
  }

  fire(): void {
    this.count++;
    const r = this.resolve;
    this.promise = this.arm();
    r();
  }

  /**
   * Resolves true on the next fire (at once if one came since `since`), or false after `ms`. A
   * timeout first lets pending I/O in (setImmediate runs after the poll phase): on a busy event
   * loop, an answer that arrived while the timer was late is seen, not taken for silence.
   */
  async wait(ms: number, since = this.count): Promise<boolean> {
    if (this.count !== since) return true;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<false>((r) => (timer = setTimeout(() => setImmediate(() => r(false)), Math.max(0, ms))));
    try {
      return await Promise.race([this.promise.then(() => true as const), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }
}

/** Races a promise against the link going away: a write into a dead link never hangs. */
export function unlessGone<T>(link: Pick<ByteLink, 'gone'>, p: Promise<T>): Promise<T> {
  return Promise.race([p, link.gone.then((reason) => Promise.reject(new Error(reason)))]);
}

/** The promise's value, or `otherwise` if it has not settled within `ms` (the timer never outlives it). */
export async function within<T, U>(p: Promise<T>, ms: number, otherwise: U): Promise<T | U> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([p, new Promise<U>((r) => (timer = setTimeout(() => r(otherwise), ms)))]);
  } finally {
    clearTimeout(timer);
  }
}
