/** How printer bytes travel, whatever the cable: the queue sees only this. */

export type PrinterState = 'online' | 'offline' | 'paper-out' | 'paper-near-end' | 'cover-open' | 'unknown';

export interface PrinterTransport {
  readonly kind: 'tcp' | 'serial' | 'usb' | 'file' | 'virtual';
  /** Sends the bytes; resolves once written. Rejects with a reason staff can act on. */
  send(bytes: Uint8Array): Promise<void>;
  /** Real-time status (DLE EOT) where the link is two-way; 'unknown' where it is not. */
  status(): Promise<PrinterState>;
  close(): Promise<void>;
}

/** DLE EOT n: printer (1), offline cause (2), roll paper sensor (4). Each answers one byte. */
export const STATUS_REQUESTS = Buffer.from([0x10, 0x04, 0x01, 0x10, 0x04, 0x02, 0x10, 0x04, 0x04]);

/**
 * The state from the three status bytes (Epson ESC/POS): the most urgent first. Each answer has
 * bit 1 and bit 4 set and bit 0 and bit 7 clear; an answer that does not is not a status byte.
 */
export function stateFromStatus(printer: number, offline: number, paper: number): PrinterState {
  const valid = (b: number) => (b & 0x93) === 0x12;
  if (![printer, offline, paper].every(valid)) return 'unknown';
  if (offline & 0x04) return 'cover-open';
  if (offline & 0x20 || paper & 0x60) return 'paper-out';
  if (printer & 0x08) return 'offline';
  if (paper & 0x0c) return 'paper-near-end';
  return 'online';
}

/** A job this printer can never print (not a passing outage): it fails at once, with the reason. */
export class PermanentPrintError extends Error {}

/**
 * The printer's answers to status requests, as they arrive on a two-way link: `take()` waits
 * for the three DLE EOT answers (or gives null after the timeout, or when the link dies).
 */
export class StatusAnswers {
  private bytes: number[] = [];
  private waiter: (() => void) | null = null;

  push(data: Uint8Array): void {
    this.bytes.push(...data);
    this.waiter?.();
  }

  /** The link closed: a waiting take() gives up now. */
  wake(): void {
    this.waiter?.();
  }

  reset(): void {
    this.bytes = [];
  }

  async state(timeoutMs: number, alive: () => boolean): Promise<PrinterState | null> {
    const deadline = Date.now() + timeoutMs;
    while (this.bytes.length < 3 && Date.now() < deadline && alive()) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.max(0, deadline - Date.now()));
        this.waiter = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
    this.waiter = null;
    if (this.bytes.length < 3) return null;
    const [a = 0, b = 0, c = 0] = this.bytes;
    return stateFromStatus(a, b, c);
  }
}

/** Runs one operation at a time on a link: a status request never cuts into a ticket's bytes. */
export class OneAtATime {
  private last: Promise<unknown> = Promise.resolve();

  run<T>(f: () => Promise<T>): Promise<T> {
    const next = this.last.then(f, f);
    this.last = next.catch(() => undefined);
    return next;
  }
}
