import { type Dialect, lineEnds } from './dialect.js';
import { type ByteLink, Pulse, within } from './link.js';
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
 * Two-way (the printer answers status requests): a job goes in windows of about WINDOW bytes,
 * cut at line ends, each followed by a status request, with at most IN_FLIGHT windows unanswered.
 * An answer proves the bytes before it reached the printer, so the last answer confirms the job
 * (`received`), no more than a few KiB ever wait in the kernel, and a printer that stops reading is
 * seen within `stallMs`. Where the model has a completion answer (Epson's process ID, Star's
 * ESC GS ETX), each window asks for one too: the last confirms `printed`, and no more than AHEAD
 * bytes are ever unprinted.
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

/** a window's size, cut at the last line end within it (a longer line or command goes whole) */
const WINDOW = 1024;
/** windows sent and not yet confirmed (answered, or printed where the model tells) */
const IN_FLIGHT = 2;
/**
 * Bytes sent and not yet printed, for a printer that gives completion answers: its buffer never
 * fills, so a status request always gets in, and paper running out in the middle of a ticket is
 * reported instead of looking like a hang.
 */
const AHEAD = 2048;
/** while nothing else is asked: how often the printer's state is asked (paper out shows, silence is seen) */
const POLL_MS = 250;
/** how long a printer not yet known to give completion answers gets to give one, once it has every byte */
const COMPLETION_TRIAL_MS = 3000;
/** for a two-way session, closing is a courtesy: the job is already confirmed */
const CLOSE_MS = 250;
/** after the first answer, how long a completion answer to the probe may take */
const PROBE_MS = 150;
/** a link this long without a byte is quiet: a ping's answer then is its answer */
const QUIET_MS = 100;
/** how long a new connection that sends noise gets to answer a ping alone */
const NOISY_HELLO_MS = 500;
const EMPTY = new Uint8Array(0);

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

  async open(options: { patienceMs?: number } = {}): Promise<PrinterSession> {
    return this.opened(options.patienceMs ?? this.options.helloMs, this.completion.supported === null);
  }

  private async opened(patienceMs: number, probe: boolean): Promise<PrinterSession> {
    const link = await this.connect().catch((err: unknown) => Promise.reject(failureOf(err, 'offline')));
    if (!this.twoWay || !link.canRead) return new OneWaySession(link, this.options);
    const session = new TwoWaySession(link, this.dialect, this.options, this.completion);
    await session.hello(patienceMs, probe);
    return session;
  }

  /**
   * Opens, asks the whole state, closes. A printer last seen without completion answers is probed
   * again: a wrong guess (its answer was late behind another till's ticket) does not stay for good.
   */
  async check(): Promise<PrinterState> {
    let session: PrinterSession;
    try {
      session = await this.opened(this.options.helloMs, this.completion.supported !== true);
    } catch (err) {
      return failureOf(err, 'offline').state;
    }
    // the whole state, paper near its end included (a job's answers only say online or offline)
    const state = session instanceof TwoWaySession ? await session.ask() : session.state;
    await session.close();
    return state;
  }
}

class TwoWaySession implements PrinterSession {
  state: PrinterState = 'unknown';
  readonly reusable: boolean;
  private readonly reader;
  private readonly pulse = new Pulse();
  private goneReason: string | null = null;
  /** completion ids, in order on this connection: a late answer is never taken for a newer job's */
  private nextId = Math.floor(Math.random() * 10_000);
  /** requests asked for on this connection (each gets one answer) */
  private asked = 0;
  private lastAskAt = 0;

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

  /**
   * The first answer: the printer serves this connection (nothing of a job is sent before). While
   * it is not known whether the model gives completion answers, one is asked for too, with nothing
   * before it: a printer that has them answers at once. An offline printer is asked why.
   */
  async hello(patienceMs: number, withProbe: boolean): Promise<void> {
    const deadline = Date.now() + patienceMs;
    const probe = withProbe ? this.dialect.completionRequest(this.takeId()) : null;
    try {
      await this.request('ping', probe ?? EMPTY, false, patienceMs);
    } catch (err) {
      this.link.destroy();
      throw failureOf(err, 'offline');
    }
    while (this.reader.answers === 0) {
      const since = this.pulse.count;
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
      await this.pulse.wait(left, since);
    }
    // Bytes that answer nothing (a flood, a bad line): the "answer" may be one of them. It is served
    // (it sends), but its state is known only from a ping answered alone; else unknown, and only a
    // completion answer (tagged with its id) can confirm a job.
    const trusted = this.reader.noise === 0 || (await this.answeredAlone(undefined, false, NOISY_HELLO_MS));
    this.state = trusted ? (this.reader.state ?? 'unknown') : 'unknown';
    if (this.state === 'offline') this.state = await this.ask();
    if (probe) {
      const until = Date.now() + PROBE_MS;
      while (this.reader.completed === null && this.goneReason === null && Date.now() < until) await this.pulse.wait(until - Date.now());
      if (this.reader.completed !== null) this.completion.supported = true;
    }
  }

  /** The printer's whole state, asked now (the state so far if it does not answer in time). */
  async ask(): Promise<PrinterState> {
    const before = this.reader.answers;
    try {
      await this.request('status', EMPTY, false, this.o.helloMs);
    } catch {
      return this.state;
    }
    const deadline = Date.now() + Math.max(this.o.helloMs, 1000);
    while (this.reader.answers === before && this.goneReason === null && Date.now() < deadline) await this.pulse.wait(deadline - Date.now());
    if (this.reader.answers > before) this.state = this.reader.state ?? this.state;
    return this.state;
  }

  /**
   * Sends the job in windows cut at line ends. Where the printer gives completion answers, each
   * window asks for one and is confirmed when printed (at most IN_FLIGHT windows and AHEAD bytes
   * unprinted); otherwise each window ends with a ping and is confirmed when received (at most
   * IN_FLIGHT unanswered). Between answers the printer is pinged every POLL_MS, so paper running
   * out is seen, and silence is a stall.
   */
  async print(bytes: Uint8Array, watch: PrintWatch = {}): Promise<Confirmation> {
    const signal = watch.signal;
    const onAbort = () => {
      this.link.destroy();
      this.pulse.fire();
    };
    signal?.addEventListener('abort', onAbort);
    const ends = lineEnds(bytes, this.dialect);
    /** windows sent: where each ends, its completion id's place in this job (null: none asked), its ping's number on the connection */
    const windows: Array<{ end: number; ordinal: number | null; ping: number | null }> = [];
    const firstId = this.nextId;
    let issued = 0;
    let seen = this.reader.answers;
    let seenCompletion = this.reader.completed;
    let lastAnswerAt = Date.now();
    let pos = 0;
    let printedTo = 0;
    let printedAt = Date.now();
    /** answers are one per request, in order: this many prove every byte was received (a ping after the last window) */
    let proof: number | null = null;
    let receivedAt: number | null = null;
    /** on a link that sent bytes nobody asked for, counted answers prove nothing until a ping is answered alone */
    const noiseAtStart = this.reader.noise;
    const answered = () => this.reader.answers;
    try {
      for (;;) {
        const since = this.pulse.count; // whatever arrives from here on wakes the wait below at once
        this.ensureAlive(pos > 0, signal);
        if (this.reader.answers !== seen) {
          seen = this.reader.answers;
          lastAnswerAt = Date.now();
          // on a noisy link an "answer" may be garbage: its state is not taken (paper out would stop the job for nothing)
          if (this.reader.noise === noiseAtStart) this.setState(this.reader.state ?? 'unknown', watch);
        }
        if (this.reader.completed !== seenCompletion && this.reader.completed !== null) {
          // the answer names the newest id printed: every window up to it is on paper
          seenCompletion = this.reader.completed;
          const ordinal = (seenCompletion - firstId + 10_000) % 10_000;
          if (ordinal < issued) {
            lastAnswerAt = Date.now();
            printedAt = Date.now();
            for (const w of windows) if (w.ordinal !== null && w.ordinal <= ordinal) printedTo = Math.max(printedTo, w.end);
            this.completion.supported = true;
          }
        }
        if (pos >= bytes.length && printedTo >= bytes.length) return 'printed';
        const blocked = isBlocked(this.state);
        const allReceived = proof !== null && answered() >= proof;
        if (allReceived) {
          receivedAt ??= Date.now();
          // the printed answer is awaited while it may come; paper out or an open cover hold it (the queue decides when to give up)
          const completionAsked = windows.at(-1)?.ordinal != null && this.completion.supported !== false;
          const limit = this.completion.supported === true ? this.o.stallMs : COMPLETION_TRIAL_MS;
          const waitPrinted = completionAsked && (blocked || Date.now() - receivedAt < limit);
          if (!waitPrinted) {
            if (completionAsked && this.completion.supported === null) this.completion.supported = false; // this model has none
            if (this.reader.noise > noiseAtStart && !(await this.answeredAlone(signal, pos > 0))) {
              // garbage on the link may have been taken for the answers that counted: not confirmed
              this.link.destroy();
              throw new PrintFailure('stalled', `${this.o.where} sends bytes that answer nothing (${this.reader.noise} so far), so it cannot confirm the ticket: check its port and baud rate, or its "automatic status" setting`, true);
            }
            return 'received';
          }
        }
        if (blocked) printedAt = Date.now(); // nothing prints while it waits for paper: no completion is due
        if (this.completion.supported === true && pos > printedTo && Date.now() - printedAt >= this.o.stallMs && Date.now() - lastAnswerAt < this.o.stallMs) {
          // it answers, but no more completions come (a setting changed, a firmware that drops them): go on by received
          this.completion.supported = false;
        }
        // the next windows, while the printer keeps up
        const byPrinted = this.completion.supported === true;
        while (!blocked && pos < bytes.length) {
          const unconfirmed = byPrinted ? windows.filter((w) => w.end > printedTo).length : windows.filter((w) => w.ping !== null && w.ping >= answered()).length;
          if (unconfirmed >= IN_FLIGHT) break;
          const end = windowEnd(ends, pos, bytes.length);
          if (byPrinted && pos > printedTo && end - printedTo > AHEAD) break;
          const id = this.completion.supported === false ? null : this.takeId();
          const request = id === null ? null : this.dialect.completionRequest(id);
          const data = concat(bytes.subarray(pos, end), request ?? EMPTY);
          let ping: number | null = null;
          if (byPrinted) {
            await this.send(data, true, this.o.stallMs); // one reply per window: when it is printed
          } else {
            ping = this.asked;
            await this.request('ping', data, true, this.o.stallMs);
          }
          if (request) issued++;
          windows.push({ end, ordinal: request && id !== null ? (id - firstId + 10_000) % 10_000 : null, ping });
          pos = end;
          if (pos >= bytes.length && ping !== null) proof = ping + 1;
        }
        // Silence is a stall. Out of paper or open, a printer still answers (its buffer has room:
        // at most AHEAD bytes wait unprinted); one that goes silent then was switched off, or is hung.
        const silentFor = Date.now() - lastAnswerAt;
        if (silentFor >= this.o.stallMs) {
          if (allReceived && this.reader.noise === noiseAtStart) return 'received'; // the printer has every byte, whatever it says next
          this.link.destroy();
          const why = this.state === 'paper-out' || this.state === 'cover-open' ? `after reporting ${this.state === 'paper-out' ? 'paper out' : 'its cover open'} (switched off?)` : '(stalled)';
          throw new PrintFailure('stalled', `${this.o.where} stopped taking the ticket and answering for ${Math.round(silentFor / 1000)} s ${why}`, pos > 0);
        }
        if (answered() >= this.asked && Date.now() - this.lastAskAt >= POLL_MS) {
          // waiting on paper, on printing or on the printer's return: keep asking, so each is seen;
          // once offline, the whole state says why
          await this.request(blocked ? 'status' : 'ping', EMPTY, pos > 0, this.o.stallMs);
          if (pos >= bytes.length) proof ??= this.asked;
          continue;
        }
        await this.pulse.wait(Math.max(1, Math.min(POLL_MS, this.o.stallMs - silentFor)), since);
      }
    } catch (err) {
      throw aborted(signal, pos > 0) ?? failureOf(err, 'lost', pos > 0);
    } finally {
      signal?.removeEventListener('abort', onAbort);
    }
  }

  /**
   * Waits until the link is quiet, sends a ping, and is true when its answer came alone: one answer,
   * no other byte, within the answer's wait and QUIET_MS after. Tries until `stallMs` has passed.
   */
  private async answeredAlone(signal: AbortSignal | undefined, partial: boolean, withinMs = this.o.stallMs): Promise<boolean> {
    const deadline = Date.now() + withinMs;
    while (Date.now() < deadline) {
      this.ensureAlive(partial, signal);
      if (await this.pulse.wait(QUIET_MS)) continue; // bytes still coming
      const answers = this.reader.answers;
      const noise = this.reader.noise;
      await this.request('ping', EMPTY, partial, this.o.stallMs);
      const until = Date.now() + Math.max(this.o.helloMs, 1000);
      while (this.reader.answers === answers && this.goneReason === null && Date.now() < until) await this.pulse.wait(until - Date.now());
      await new Promise((r) => setTimeout(r, QUIET_MS));
      if (this.reader.answers === answers + 1 && this.reader.noise === noise && this.goneReason === null) return true;
    }
    return false;
  }

  private takeId(): number {
    const id = this.nextId;
    this.nextId = (this.nextId + 1) % 10_000;
    return id;
  }

  /**
   * Lets the link go. The job is confirmed, so a shared printer's own close is not waited for (it
   * is given CLOSE_MS, then dropped); a port or USB interface is released before the next open needs it.
   */
  async close(): Promise<void> {
    if (this.goneReason !== null) return;
    const ended = this.link.end(CLOSE_MS);
    if (!this.o.shared) await ended;
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
    const stopped = aborted(signal, partial);
    if (stopped) throw stopped;
    if (this.goneReason !== null) throw new PrintFailure('lost', `${this.goneReason} before confirming the ticket`, partial);
  }

  /** Sends `before` followed by a request the printer answers once; the reader is told to expect it. */
  private async request(kind: 'status' | 'ping', before: Uint8Array, partial: boolean, ms: number): Promise<void> {
    this.reader.expect(kind);
    this.asked++;
    this.lastAskAt = Date.now();
    await this.send(concat(before, kind === 'status' ? this.dialect.statusRequest : this.dialect.pingRequest), partial, ms);
  }

  /** Writes bytes; a write the link does not take within `ms` is a stall. */
  private async send(bytes: Uint8Array, partial: boolean, ms: number): Promise<void> {
    await writeWithin(this.link, bytes, ms, this.o.where, partial);
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
        const stopped = aborted(watch.signal, pos > 0);
        if (stopped) throw stopped;
        const chunk = bytes.subarray(pos, pos + 16 * 1024);
        await writeWithin(this.link, chunk, this.o.stallMs, this.o.where, true);
        pos += chunk.length;
      }
      this.done = true;
      if (!(await this.link.end(this.o.stallMs))) {
        throw new PrintFailure('lost', `${this.o.where} did not close cleanly after the ticket: it may not have printed all of it`, true);
      }
      return 'sent';
    } catch (err) {
      this.link.destroy();
      throw aborted(watch.signal, pos > 0) ?? failureOf(err, 'lost', pos > 0);
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

/** The failure of a job the queue stopped (whatever the link said as it was dropped), or null. */
function aborted(signal: AbortSignal | undefined, partial: boolean): PrintFailure | null {
  if (!signal?.aborted) return null;
  return new PrintFailure('aborted', `stopped while printing${signal.reason instanceof Error ? `: ${signal.reason.message}` : ''}`, partial);
}

/** Writes to the link; one it does not take within `ms` is a stall, and the link is dropped on any failure. */
async function writeWithin(link: ByteLink, bytes: Uint8Array, ms: number, where: string, partial: boolean): Promise<void> {
  const stalled = Symbol('stalled');
  try {
    if ((await within(link.write(bytes), ms, stalled)) === stalled) {
      throw new PrintFailure('stalled', `${where} stopped taking bytes for ${Math.round(ms / 1000)} s (stalled)`, partial);
    }
  } catch (err) {
    link.destroy();
    throw failureOf(err, 'lost', partial);
  }
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/**
 * Where the window from `pos` ends: the job's end if the rest fits in WINDOW bytes (one reply, not
 * two in a row that the printer's TCP stack may hold back), else the last line end within WINDOW
 * bytes, else the next line end, else the job's end.
 */
function windowEnd(ends: readonly number[], pos: number, length: number): number {
  if (length - pos <= WINDOW) return length;
  let best = -1;
  for (const e of ends) {
    if (e <= pos) continue;
    if (e - pos <= WINDOW) {
      best = e;
      continue;
    }
    if (best < 0) best = e;
    break;
  }
  return best < 0 ? length : best;
}
