import type { Dialect } from './dialect.js';
import { type ByteLink, Pulse } from './link.js';
import {
  type Confirmation,
  failureOf,
  isBlocked,
  PrintFailure,
  type PrinterSession,
  type PrinterState,
  type PrinterTransport,
  type PrintWatch,
} from './transport.js';

/**
 * Sessions over a byte link, the same for every cable: the printer's confirmation is asked for on
 * the link itself, so `done` is counted from what the printer says, not from what the OS took.
 *
 * Two-way (the printer answers status requests): a job goes in windows of WINDOW bytes, each
 * followed by a status request, with at most IN_FLIGHT windows unanswered. An answer proves the
 * bytes before it reached the printer, so the last answer confirms the job (`received`), no more
 * than a few KiB ever wait in the kernel, and a printer that stops reading is seen within
 * `stallMs`. Where the model has a completion answer (Epson's process ID), it is asked for last:
 * `printed`.
 *
 * One-way (a device file, or `"status": false`): the bytes are written with backpressure and the
 * link is closed; a clean close (a TCP printer closes its side once it has read everything) is the
 * confirmation: `sent`.
 */

export interface LinkOptions {
  /** the printer in messages: "the printer at 192.168.1.50:9100", "/dev/ttyUSB0" */
  where: string;
  /** another host may hold the printer (a network printer): a connection it does not answer is `busy` */
  shared: boolean;
  /** the printer answers status requests (config `"status"`, default true) */
  status: boolean;
  /** no answer and no byte taken for this long while not out of paper: `stalled` */
  stallMs: number;
  /** how long the first answer on a new connection may take before it counts as busy / not answering */
  helloMs: number;
}

const WINDOW = 2048;
const IN_FLIGHT = 2;
/** while the printer reports paper out, cover open or offline: how often it is asked again */
const BLOCKED_POLL_MS = 500;
/** while waiting for a completion answer: how often the state is asked (paper out shows) */
const COMPLETION_POLL_MS = 250;
/** how long a printer not yet known to give completion answers gets to give one */
const COMPLETION_TRIAL_MS = 3000;
/** for a two-way session, closing is a courtesy: the job is already confirmed */
const CLOSE_MS = 250;

/** A transport over any byte link: tcp, serial and usb differ only in how the link is opened. */
export class LinkTransport implements PrinterTransport {
  readonly twoWay: boolean;
  /** learned from the printer: it answers completion requests (true), it does not (false), not yet known */
  private completion: { supported: boolean | null } = { supported: null };

  constructor(
    readonly kind: 'tcp' | 'serial' | 'usb' | 'file',
    private readonly connect: () => Promise<ByteLink>,
    private readonly dialect: Dialect,
    private readonly options: LinkOptions,
  ) {
    this.twoWay = options.status && kind !== 'file';
  }

  async open(): Promise<PrinterSession> {
    const link = await this.connect().catch((err: unknown) => Promise.reject(failureOf(err, 'offline')));
    if (!this.twoWay || !link.canRead) return new OneWaySession(link, this.options);
    const session = new TwoWaySession(link, this.dialect, this.options, this.completion);
    await session.hello();
    return session;
  }

  async check(): Promise<PrinterState> {
    let session: PrinterSession;
    try {
      session = await this.open();
    } catch (err) {
      return failureOf(err, 'offline').state;
    }
    await session.close();
    return session.state;
  }
}

let nextCompletionId = Math.floor(Math.random() * 10_000);

class TwoWaySession implements PrinterSession {
  state: PrinterState = 'unknown';
  readonly reusable: boolean;
  private readonly reader;
  private readonly pulse = new Pulse();
  private goneReason: string | null = null;

  constructor(
    private readonly link: ByteLink,
    private readonly dialect: Dialect,
    private readonly o: LinkOptions,
    private readonly completion: { supported: boolean | null },
  ) {
    this.reusable = !o.shared; // a shared printer is held for one job, then let go for the other tills
    this.reader = dialect.reader();
    link.onData((chunk) => {
      this.reader.push(chunk);
      this.pulse.fire();
    });
    void link.gone.then((reason) => {
      this.goneReason = reason;
      this.pulse.fire();
    });
  }

  /** The first status answer: the printer serves this connection (nothing of a job is sent before). */
  async hello(): Promise<void> {
    const deadline = Date.now() + this.o.helloMs;
    try {
      await this.send(this.dialect.statusRequest, false, this.o.helloMs);
    } catch (err) {
      this.link.destroy();
      throw failureOf(err, 'offline');
    }
    while (this.reader.answers === 0) {
      if (this.goneReason !== null) {
        throw new PrintFailure('offline', `${this.o.where} closed the connection without answering (is another program holding it, and is this its raw port?)`);
      }
      const left = deadline - Date.now();
      if (left <= 0) {
        this.link.destroy();
        throw this.o.shared
          ? new PrintFailure('busy', `${this.o.where} took the connection but does not answer: another till is printing on it`)
          : new PrintFailure('offline', `no answer from ${this.o.where}: is it switched on? (a model that cannot answer status requests needs "status": false in agent.config.json)`);
      }
      await this.pulse.wait(left);
    }
    this.state = this.reader.state ?? 'unknown';
  }

  async print(bytes: Uint8Array, watch: PrintWatch = {}): Promise<Confirmation> {
    const signal = watch.signal;
    const onAbort = () => {
      this.link.destroy();
      this.pulse.fire();
    };
    signal?.addEventListener('abort', onAbort);
    const base = this.reader.answers;
    let seen = base;
    let lastAnswerAt = Date.now();
    let asked = 0;
    let pos = 0;
    const answered = () => this.reader.answers - base;
    const heard = () => {
      if (this.reader.answers === seen) return;
      seen = this.reader.answers;
      lastAnswerAt = Date.now();
      this.setState(this.reader.state ?? 'unknown', watch);
    };
    try {
      for (;;) {
        this.ensureAlive(pos > 0, signal);
        heard();
        const blocked = isBlocked(this.state);
        if (!blocked) {
          while (pos < bytes.length && asked - answered() < IN_FLIGHT) {
            const chunk = bytes.subarray(pos, pos + WINDOW);
            await this.send(concat(chunk, this.dialect.statusRequest), true, this.o.stallMs);
            pos += chunk.length;
            asked++;
          }
        }
        if (pos >= bytes.length && answered() >= asked) break;
        if (blocked && answered() >= asked) {
          // waiting for paper, a closed cover or the printer back online: keep asking, so its return is seen
          await this.pulse.wait(BLOCKED_POLL_MS);
          this.ensureAlive(pos > 0, signal);
          await this.send(this.dialect.statusRequest, pos > 0, this.o.stallMs);
          asked++;
          continue;
        }
        const silentFor = Date.now() - lastAnswerAt;
        if (silentFor >= this.o.stallMs && this.state !== 'paper-out' && this.state !== 'cover-open') {
          this.link.destroy();
          throw new PrintFailure('stalled', `${this.o.where} stopped taking the ticket and answering for ${Math.round(silentFor / 1000)} s (stalled)`, pos > 0);
        }
        const left = this.o.stallMs - silentFor;
        await this.pulse.wait(blocked || left <= 0 ? BLOCKED_POLL_MS : left);
      }
      // every byte received: ask for the completion answer where the model has one
      return await this.printed(watch);
    } catch (err) {
      throw failureOf(err, 'lost', pos > 0);
    } finally {
      signal?.removeEventListener('abort', onAbort);
    }
  }

  /**
   * After every byte was received: 'printed' once the completion answer comes, else 'received'.
   * Never a failure: the printer has the whole job.
   */
  private async printed(watch: PrintWatch): Promise<Confirmation> {
    if (this.completion.supported === false) return 'received';
    const id = nextCompletionId++ % 10_000;
    const request = this.dialect.completionRequest(id);
    if (!request) return 'received';
    try {
      await this.send(concat(request, this.dialect.statusRequest), true, this.o.stallMs);
    } catch {
      return 'received';
    }
    const receivedAt = Date.now();
    let lastAnswerAt = receivedAt;
    let seen = this.reader.answers;
    let asked = 1;
    let answered = 0;
    for (;;) {
      if (this.reader.completed === id) {
        this.completion.supported = true;
        return 'printed';
      }
      if (this.goneReason !== null || watch.signal?.aborted) return 'received';
      if (this.reader.answers !== seen) {
        answered += this.reader.answers - seen;
        seen = this.reader.answers;
        lastAnswerAt = Date.now();
        this.setState(this.reader.state ?? 'unknown', watch);
      }
      const now = Date.now();
      // paper out or cover open while the job is in the printer: wait for it (the queue decides when to give up)
      if (!isBlocked(this.state)) {
        const limit = this.completion.supported === true ? this.o.stallMs : COMPLETION_TRIAL_MS;
        if (now - receivedAt >= limit) {
          if (this.completion.supported === null) this.completion.supported = false; // this model has none
          return 'received';
        }
      }
      if (now - lastAnswerAt >= this.o.stallMs) return 'received';
      if (answered >= asked) {
        await this.pulse.wait(COMPLETION_POLL_MS);
        if (this.reader.completed === id) continue;
        try {
          await this.send(this.dialect.statusRequest, true, this.o.stallMs);
        } catch {
          return 'received';
        }
        asked++;
        continue;
      }
      await this.pulse.wait(COMPLETION_POLL_MS);
    }
  }

  async close(): Promise<void> {
    if (this.goneReason === null) await this.link.end(CLOSE_MS);
  }

  abort(): void {
    this.link.destroy();
  }

  private setState(s: PrinterState, watch: PrintWatch): void {
    if (s === this.state) return;
    this.state = s;
    watch.onState?.(s);
  }

  private ensureAlive(partial: boolean, signal: AbortSignal | undefined): void {
    if (signal?.aborted) throw new PrintFailure('aborted', `stopped while printing${signal.reason instanceof Error ? `: ${signal.reason.message}` : ''}`, partial);
    if (this.goneReason !== null) throw new PrintFailure('lost', `${this.goneReason} before confirming the ticket`, partial);
  }

  /** Writes bytes; a write the link does not take within `ms` is a stall. */
  private async send(bytes: Uint8Array, partial: boolean, ms: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const stall = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new PrintFailure('stalled', `${this.o.where} stopped taking bytes for ${Math.round(ms / 1000)} s (stalled)`, partial)), ms);
    });
    try {
      await Promise.race([this.link.write(bytes), stall]);
    } catch (err) {
      this.link.destroy();
      throw failureOf(err, 'lost', partial);
    } finally {
      clearTimeout(timer);
    }
  }
}

/** No answers on this link: write everything with backpressure, close, and a clean close confirms. */
class OneWaySession implements PrinterSession {
  readonly state: PrinterState = 'unknown';
  readonly reusable = false;
  private done = false;

  constructor(
    private readonly link: ByteLink,
    private readonly o: LinkOptions,
  ) {
    link.onData(() => undefined); // read and drop: unread bytes would make our close a reset
  }

  async print(bytes: Uint8Array, watch: PrintWatch = {}): Promise<Confirmation> {
    const onAbort = () => this.link.destroy();
    watch.signal?.addEventListener('abort', onAbort);
    let pos = 0;
    try {
      while (pos < bytes.length) {
        if (watch.signal?.aborted) throw new PrintFailure('aborted', 'stopped while printing', pos > 0);
        const chunk = bytes.subarray(pos, pos + 16 * 1024);
        let timer: NodeJS.Timeout | undefined;
        const stall = new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new PrintFailure('stalled', `${this.o.where} stopped taking bytes for ${Math.round(this.o.stallMs / 1000)} s (stalled)`, true)), this.o.stallMs);
        });
        try {
          await Promise.race([this.link.write(chunk), stall]);
        } finally {
          clearTimeout(timer);
        }
        pos += chunk.length;
      }
      this.done = true;
      if (!(await this.link.end(this.o.stallMs))) {
        throw new PrintFailure('lost', `${this.o.where} did not close cleanly after the ticket: it may not have printed all of it`, true);
      }
      return 'sent';
    } catch (err) {
      this.link.destroy();
      throw failureOf(err, 'lost', pos > 0);
    } finally {
      watch.signal?.removeEventListener('abort', onAbort);
    }
  }

  async close(): Promise<void> {
    if (!this.done) await this.link.end(CLOSE_MS);
  }

  abort(): void {
    this.link.destroy();
  }
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}
