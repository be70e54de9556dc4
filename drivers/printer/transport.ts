/**
 * How printer bytes travel, whatever the cable: the print queue sees only this.
 *
 * A transport opens a session with the printer (a TCP connection, an open serial port, a claimed
 * USB interface, an open device file); a session prints jobs and says how each was confirmed. The
 * promise behind `print()` is the contract's `done`: it resolves only once the far side confirmed
 * the bytes, never when they were merely handed to the operating system.
 */

export const PRINTER_STATES = ['online', 'offline', 'busy', 'stalled', 'paper-out', 'paper-near-end', 'cover-open', 'unknown'] as const;
export type PrinterState = (typeof PRINTER_STATES)[number];

/**
 * How a job was confirmed: the printer said it printed it (Epson's process ID response), the
 * printer acknowledged every byte (a status answer sent after them), or — one-way links and
 * printers configured with `"status": false` — every byte was written and the link closed cleanly.
 */
export const CONFIRMATIONS = ['printed', 'received', 'sent'] as const;
export type Confirmation = (typeof CONFIRMATIONS)[number];

/** States in which a printer takes no more paper work: sending waits until it is back. */
export function isBlocked(s: PrinterState): boolean {
  return s === 'paper-out' || s === 'cover-open' || s === 'offline';
}

/** What the queue hears while a job prints: the printer's state as its answers come, and how to stop. */
export interface PrintWatch {
  onState?(state: PrinterState): void;
  /** Aborting drops the link at once; print() then rejects with kind 'aborted'. */
  signal?: AbortSignal;
}

export interface PrinterSession {
  /** The state the printer reported when the session opened ('unknown' on a one-way link). */
  readonly state: PrinterState;
  /**
   * False when the session ends with its job: a shared network printer (held only for one job, so
   * that other tills get their turn) and one-way links (whose confirmation is the clean close).
   */
  readonly reusable: boolean;
  /** Sends a job's bytes and resolves once they are confirmed. Rejects with a PrintFailure. */
  print(bytes: Uint8Array, watch?: PrintWatch): Promise<Confirmation>;
  /** Closes the session: the link is let go cleanly (never left idle). */
  close(): Promise<void>;
  /** Drops the link at once. */
  abort(): void;
}

export interface PrinterTransport {
  readonly kind: 'tcp' | 'serial' | 'usb' | 'file' | 'virtual';
  /** The printer can be asked for its state (a two-way link, and status requests not switched off). */
  readonly twoWay: boolean;
  /**
   * Opens a session. On a two-way link the printer has answered a status request first, so nothing
   * of a job is sent into a connection the printer is not serving. Rejects with a PrintFailure.
   * `patienceMs`: how long that first answer may take this time (a longer wait now and then lets a
   * slow printer, or one a till holds for long, be served).
   */
  open(options?: { patienceMs?: number }): Promise<PrinterSession>;
  /** Opens, asks the printer's state, closes: nothing is kept open. */
  check(): Promise<PrinterState>;
}

export type FailureKind =
  /** cannot reach the printer (refused, unplugged, no answer on a link only we use) */
  | 'offline'
  /** the printer took the connection but serves another host (a network printer shared by tills) */
  | 'busy'
  /** the printer stopped taking bytes and answering, without reporting paper or cover */
  | 'stalled'
  /** the link dropped or was reset before the job was confirmed */
  | 'lost'
  /** the queue stopped the job (the agent stops, or the job goes to the fallback printer) */
  | 'aborted'
  /** this job can never print on this printer */
  | 'permanent';

/**
 * Why a session could not open or a job was not confirmed, with what staff can do about it.
 * `partial`: some of the job's bytes reached the printer, so part of it may be on paper (a new
 * attempt is marked as a reprint).
 */
export class PrintFailure extends Error {
  constructor(
    readonly kind: FailureKind,
    message: string,
    readonly partial = false,
  ) {
    super(message);
    this.name = 'PrintFailure';
  }

  /** The printer state this failure shows. */
  get state(): PrinterState {
    return this.kind === 'busy' ? 'busy' : this.kind === 'stalled' ? 'stalled' : 'offline';
  }
}

/** A job this printer can never print (not a passing outage): it fails at once, with the reason. */
export class PermanentPrintError extends PrintFailure {
  constructor(message: string) {
    super('permanent', message);
    this.name = 'PermanentPrintError';
  }
}

export function failureOf(err: unknown, kind: FailureKind = 'lost', partial = false): PrintFailure {
  if (err instanceof PrintFailure) return err;
  return new PrintFailure(kind, err instanceof Error ? err.message : String(err), partial);
}
