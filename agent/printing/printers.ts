import path from 'node:path';
import type { AgentConfig, PrinterConfig } from '../config.js';
import type { EventBus } from '../events.js';
import type { Logger } from '../log.js';
import { dialectFor } from '../../drivers/printer/dialect.js';
import { fileTransport } from '../../drivers/printer/file.js';
import { serialTransport } from '../../drivers/printer/serial.js';
import { tcpTransport } from '../../drivers/printer/tcp.js';
import { usbTransport } from '../../drivers/printer/usb.js';
import {
  failureOf,
  isBlocked,
  type PrinterSession,
  type PrinterState,
  type PrinterTransport,
  type PrintFailure,
} from '../../drivers/printer/transport.js';
import { VirtualTransport } from '../../drivers/printer/virtual.js';
import { type JobRecord, type JobStore, type NewJob, warningsOf } from './jobs.js';
import { contractStatus, type PrinterOut, type PrinterStatus } from './model.js';
import { type JobErrorCode, jobError, movedError, type Notice } from './notices.js';

import { encode, withoutDrawer } from '../../drivers/printer/escpos.js';
import { testPageBlocks } from './tickets.js';

export function transportFor(p: PrinterConfig, storeDir: string): PrinterTransport {
  const t = p.transport;
  const dialect = dialectFor(p.model);
  const link = { status: p.status, stallMs: p.stallSeconds * 1000 };
  switch (t.type) {
    case 'tcp':
      return tcpTransport({ host: t.host, port: t.port, ...link }, dialect);
    case 'file':
      return fileTransport(t.path, dialect, link.stallMs);
    case 'virtual':
      return new VirtualTransport(path.join(storeDir, 'virtual', p.id), { model: p.model, width: p.width, name: p.name });
    case 'serial':
      return serialTransport({ path: t.path, baudRate: t.baudRate, ...link }, dialect);
    case 'usb':
      return usbTransport({ vendorId: Number(t.vendorId), productId: Number(t.productId), ...link }, dialect);
  }
}

/** How long the workers wait, and for what. The defaults are the product's; tests may shorten them. */
export interface PrintTimings {
  /** Retry delays while a printer is unreachable or stalled: short, so a job prints within seconds of its return. */
  retryMs: readonly number[];
  /** A shared printer serving another till: try again at once (well within 250 ms), so the tills' tickets interleave. */
  busyRetryMs: { min: number; spread: number };
  /** Busy answers further apart than this are not one busy spell (status checks 10 s apart, say): more than patientMs. */
  busyGapMs: number;
  /** Every this many busy answers in a row, the printer is given patientMs to answer. */
  patientEvery: number;
  patientMs: number;
  /** An idle printer's status is checked this often, on a connection opened for it and closed at once. */
  statusEveryMs: number;
  /** On stop, a ticket being printed gets this long to be confirmed before it is cut off (it prints again after the restart). */
  stopGraceMs: number;
  /** A job that could not be printed for this long fails. */
  giveUpMs: number;
}

export const PRINT_TIMINGS: PrintTimings = {
  retryMs: [250, 500, 1000, 2000, 4000],
  busyRetryMs: { min: 20, spread: 80 },
  busyGapMs: 3000,
  patientEvery: 4,
  patientMs: 1500,
  statusEveryMs: 10_000,
  stopGraceMs: 1500,
  giveUpMs: 24 * 60 * 60 * 1000,
};

/**
 * One worker per printer, each printing its own queue oldest first: a dead printer never holds up
 * another. A job is marked `printing` on disk once the printer took the connection, and `done`
 * once the printer confirmed it (see drivers/printer/session.ts); a job not confirmed — the link
 * dropped, the printer stalled, the agent stopped — goes back in the queue with the reason, marked
 * `reprint` when part of it may be on paper. While a printer is unreachable, busy with another
 * till, stalled or out of paper its jobs wait with the reason and are tried again within seconds.
 */
export class Printers {
  private readonly workers = new Map<string, Worker>();
  private stopping: Promise<void> | null = null;

  constructor(
    private readonly config: AgentConfig,
    storeDir: string,
    private readonly jobs: JobStore,
    private readonly bus: EventBus,
    private readonly log: Logger,
    makeTransport: (p: PrinterConfig) => PrinterTransport = (p) => transportFor(p, storeDir),
    timings: Partial<PrintTimings> = {},
  ) {
    const t = { ...PRINT_TIMINGS, ...timings };
    for (const p of config.printers) {
      const fallback = config.printers.find((x) => x.id === p.fallback);
      this.workers.set(p.id, new Worker(p, fallback ? { id: fallback.id, name: fallback.name } : null, makeTransport(p), jobs, bus, log, (id) => this.wake(id), t));
    }
  }

  start(): void {
    for (const w of this.workers.values()) w.start();
  }

  /** Stops every worker (once, however often it is called): a ticket being printed gets a moment to be confirmed. */
  stop(): Promise<void> {
    this.stopping ??= Promise.all([...this.workers.values()].map((w) => w.stop())).then(() => undefined);
    return this.stopping;
  }

  /** A new job reached the store: its printer's worker looks at its queue. */
  wake(printer: string): void {
    this.workers.get(printer)?.wake();
  }

  /** Queues a ticket (on disk before this resolves) and wakes its printer. Every print path ends here. */
  async enqueue(job: NewJob): Promise<JobRecord> {
    const created = await this.jobs.create(job);
    this.wake(created.printer);
    return created;
  }

  /** Queues a printer's test page; null for an unknown printer. */
  async testPage(id: string): Promise<JobRecord | null> {
    const p = this.config.printers.find((x) => x.id === id);
    if (!p) return null;
    const blocks = testPageBlocks({ id: p.id, name: p.name, width: p.width, codePage: p.codePage, transport: p.transport.type }, this.config.shop, new Date());
    return this.enqueue({ type: 'test', printer: p.id, bytes: encode(blocks, p) });
  }

  /** Queues a copy of a job, marked as such, that does not open the cash drawer again; null if unknown. */
  async reprint(id: string): Promise<JobRecord | null> {
    const job = this.jobs.get(id);
    if (!job) return null;
    return this.enqueue({
      type: job.type,
      printer: job.printer,
      bytes: withoutDrawer(Buffer.from(job.bytes, 'base64')),
      reprintOf: job.id,
      warnings: warningsOf(job),
      number: job.number,
      clientId: job.clientId,
    });
  }

  list(): PrinterOut[] {
    return [...this.workers.values()].map((w) => w.out());
  }
}

/** Why a job waits: said to staff in the job's `error`, and how soon to try again. */
interface Wait {
  reason: Notice;
  soon: boolean;
}

/** What a failure of the link is called for staff (the text keeps the driver's detail). */
const FAILURE_CODES: Record<PrintFailure['kind'], JobErrorCode> = {
  offline: 'unreachable',
  busy: 'busy',
  stalled: 'stalled',
  lost: 'lost',
  aborted: 'interrupted',
  permanent: 'cannot-print',
};

/** The queue cuts a job off for a reason of its own (the agent stops, the job goes to the fallback): the abort carries it. */
class CutOff extends Error {
  constructor(readonly reason: Notice) {
    super(reason.text);
  }
}

class Worker {
  private stopped = true;
  private running: Promise<void> | null = null;
  private wakeUp: (() => void) | null = null;
  private state: PrinterState = 'unknown';
  /** the session kept for a run of jobs (serial, USB); a shared network printer's is closed after each job */
  private session: PrinterSession | null = null;
  /** the job being printed: aborting it drops the link */
  private printing: AbortController | null = null;
  private lastCheck = 0;
  /** since when the printer has taken connections without answering (busy, then stalled) */
  private silentSince: number | null = null;
  /** job writes not waited for (a job's "done") */
  private writes: Promise<void> = Promise.resolve();
  /** wake() calls so far */
  private wakes = 0;
  /** busy answers in a row, and when the last came */
  private busyStreak = 0;
  private lastBusyAt = 0;

  constructor(
    private readonly config: PrinterConfig,
    /** the printer that takes this one's jobs while it stays offline (the config checked it exists) */
    private readonly fallback: { id: string; name: string } | null,
    private readonly transport: PrinterTransport,
    private readonly jobs: JobStore,
    private readonly bus: EventBus,
    private readonly log: Logger,
    private readonly wakePrinter: (id: string) => void,
    private readonly timings: PrintTimings,
  ) {}

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.running = this.loop().catch((err: unknown) => this.log.error('printer worker stopped', { printer: this.config.id, error: String(err) }));
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.wake();
    // a ticket being printed gets a moment to be confirmed; then the link is cut and it prints again after the restart
    const cut = setTimeout(() => this.printing?.abort(new CutOff(this.stoppingReason)), this.timings.stopGraceMs);
    // the loop may be waiting on a connection that takes its time (3 s connect timeout): do not wait for it
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([this.running, new Promise((r) => (timer = setTimeout(r, this.timings.stopGraceMs + 500)))]);
    clearTimeout(cut);
    clearTimeout(timer);
    await this.writes;
    await this.release();
  }

  wake(): void {
    this.wakes++;
    this.wakeUp?.();
  }

  out(): PrinterOut {
    return {
      id: this.config.id,
      name: this.config.name,
      roles: this.config.roles,
      transport: this.config.transport.type,
      status: contractStatus(this.state),
      detail: this.state,
      queued: this.jobs.queuedFor(this.config.id).length,
    };
  }

  private get stallMs(): number {
    return this.config.stallSeconds * 1000;
  }

  private setState(s: PrinterState): void {
    if (s === this.state) return;
    this.state = s;
    this.log.info(`printer ${s}`, { printer: this.config.id });
    this.bus.emit('printer', { id: this.config.id, status: contractStatus(s), detail: s });
  }

  /**
   * What the printer just showed. Taking connections without answering is `busy` (another till
   * holds it) until it has lasted `stallSeconds`: then nobody is being served, it is `stalled`. A
   * stalled printer stays stalled until it answers again.
   */
  private observe(s: PrinterState): void {
    const now = Date.now();
    if (s === 'busy') {
      // only busy answers in a row count: two status checks that each met another till printing do not
      if (now - this.lastBusyAt > this.timings.busyGapMs) this.silentSince = now;
      this.silentSince ??= now;
      this.lastBusyAt = now;
      this.busyStreak++;
      if (this.state === 'stalled' || now - this.silentSince >= this.stallMs) s = 'stalled';
    } else if (s !== 'stalled') {
      this.silentSince = null;
      this.busyStreak = 0;
    }
    this.setState(s);
  }

  private async checkStatus(): Promise<void> {
    this.lastCheck = Date.now();
    this.observe(await this.transport.check().catch((): PrinterState => 'unknown'));
  }

  /** Sleeps `ms`, or until woken; at once if woken since `since` (a job queued while the loop was busy is never missed). */
  private sleep(ms: number, since = this.wakes): Promise<void> {
    if (this.wakes !== since) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wakeUp = done;
    });
  }

  private async release(): Promise<void> {
    const s = this.session;
    this.session = null;
    await s?.close().catch(() => undefined);
  }

  private async loop(): Promise<void> {
    let failures = 0;
    while (!this.stopped) {
      const woken = this.wakes;
      const job = this.jobs.queuedFor(this.config.id)[0];
      if (!job) {
        await this.release(); // never keep an idle connection
        const due = this.lastCheck + this.timings.statusEveryMs - Date.now();
        if (due <= 0) await this.checkStatus();
        else await this.sleep(due, woken);
        continue;
      }
      let wait: Wait | null;
      try {
        wait = await this.attempt(job);
      } catch (err) {
        // the job could not be saved (disk full?): try again shortly
        this.log.error('print job not saved', { printer: this.config.id, job: job.id, error: err instanceof Error ? err.message : String(err) });
        wait = { reason: jobError('not-saved', 'not saved', { printer: this.config.name }), soon: false };
      }
      if (wait === null) {
        failures = 0;
        continue;
      }
      if (this.stopped) break;
      await this.toFallback(wait.reason);
      const { busyRetryMs, retryMs } = this.timings;
      await this.sleep(wait.soon ? busyRetryMs.min + Math.random() * busyRetryMs.spread : retryMs[Math.min(failures++, retryMs.length - 1)]!);
    }
    await this.release();
  }

  /** Jobs that waited too long on this printer go to the fallback printer, if one is set. */
  private async toFallback(reason: Notice): Promise<void> {
    const fallback = this.fallback;
    if (!fallback) return;
    let moved = 0;
    for (const job of this.jobs.queuedFor(this.config.id)) {
      if (Date.now() - Date.parse(job.createdAt) < this.config.fallbackAfterSeconds * 1000) break; // oldest first
      await this.jobs.update(job.id, { printer: fallback.id, error: movedError(reason, fallback) });
      moved++;
    }
    if (moved === 0) return;
    this.log.warn('print jobs moved to the fallback printer', { printer: this.config.id, fallback: fallback.id, jobs: moved, reason: reason.text });
    this.wakePrinter(fallback.id);
  }

  private blockedReason(s: PrinterState): Notice {
    const name = this.config.name;
    if (s === 'paper-out') return jobError('paper-out', `${name}: paper out`, { printer: name });
    if (s === 'cover-open') return jobError('cover-open', `${name}: cover open`, { printer: name });
    return jobError('offline', `${name}: offline (check the printer's light and paper)`, { printer: name });
  }

  private get stoppingReason(): Notice {
    return jobError('stopping', 'the agent is stopping', { printer: this.config.name });
  }

  /** A failure of the link, as the job says it: the driver's English, and what kind of failure it was. */
  private failureReason(f: PrintFailure): Notice {
    return jobError(FAILURE_CODES[f.kind], f.message, { printer: this.config.name });
  }

  /** Waits with a reason: the job keeps it in `error` for staff and the till. */
  private async waitWith(job: JobRecord, reason: Notice, soon = false): Promise<Wait> {
    if (job.error !== reason.text || job.errorCode?.code !== reason.coded?.code) await this.jobs.update(job.id, { error: reason });
    return { reason, soon };
  }

  /** One try at a job: null when it is finished (done, failed, cancelled or moved), or why it waits. */
  private async attempt(job: JobRecord): Promise<Wait | null> {
    let session = this.session;
    if (!session) {
      try {
        // now and then a longer wait for the first answer: a slow printer (Wi-Fi power saving) is served too
        session = await this.transport.open(this.busyStreak > 0 && this.busyStreak % this.timings.patientEvery === 0 ? { patienceMs: this.timings.patientMs } : {});
      } catch (err) {
        const f = failureOf(err, 'offline');
        if (this.stopped) return { reason: this.stoppingReason, soon: false };
        if (f.kind === 'permanent') return this.fail(job, this.failureReason(f));
        this.observe(f.state);
        const reason = this.state === 'stalled' ? this.stalledReason(f) : this.failureReason(f);
        return this.waitWith(job, reason, this.state === 'busy');
      }
      this.observe(session.state);
      if (isBlocked(session.state) || this.stopped) {
        await session.close();
        if (this.stopped) return { reason: this.stoppingReason, soon: false };
        return this.waitWith(job, this.blockedReason(session.state));
      }
      if (session.reusable) this.session = session;
    }
    // cancelled or moved to another printer while the connection was being made
    const current = this.jobs.get(job.id);
    if (!current || current.status !== 'queued' || current.printer !== this.config.id) {
      if (!session.reusable) await session.close();
      return null;
    }
    const started = await this.jobs.update(job.id, { status: 'printing', attempts: current.attempts + 1 });
    const one = Buffer.from(started.bytes, 'base64');
    const bytes = started.copies > 1 ? Buffer.concat(Array.from({ length: started.copies }, () => one)) : one;
    const abort = new AbortController();
    this.printing = abort;
    const blocked = this.blockedWatch(started, abort);
    try {
      const confirmed = await session.print(bytes, { signal: abort.signal, onState: (s) => blocked.seen(s) });
      // the next job's `printing` line shares this line's fsync; the done event goes out once it is durable
      this.behind(this.jobs.update(job.id, { status: 'done', error: null, confirmed }), job.id);
    } catch (err) {
      this.session = null;
      session.abort();
      const f = failureOf(err);
      return this.unconfirmed(started, f, abort.signal);
    } finally {
      this.printing = null;
      blocked.end();
    }
    if (!session.reusable) await session.close();
    return null;
  }

  /** A write the worker does not wait for; stop() waits for all of them. */
  private behind(write: Promise<unknown>, jobId: string): void {
    const settled = write.then(
      () => undefined,
      (err: unknown) =>
        this.log.error('print job printed, but "done" could not be saved; after a restart it prints again, marked reprint', {
          printer: this.config.id,
          job: jobId,
          error: err instanceof Error ? err.message : String(err),
        }),
    );
    this.writes = Promise.all([this.writes, settled]).then(() => undefined);
  }

  private async fail(job: JobRecord, reason: Notice): Promise<null> {
    await this.jobs.update(job.id, { status: 'failed', error: reason });
    this.log.warn('print job failed', { printer: this.config.id, job: job.id, reason: reason.text });
    return null;
  }

  /** A job whose confirmation never came: back in the queue with the reason (a reprint if part of it went). */
  private async unconfirmed(job: JobRecord, f: PrintFailure, signal: AbortSignal): Promise<Wait | null> {
    if (f.kind === 'permanent' || Date.now() - Date.parse(job.createdAt) > this.timings.giveUpMs) return this.fail(job, this.failureReason(f));
    const reason =
      f.kind === 'aborted' && signal.reason instanceof CutOff
        ? signal.reason.reason
        : f.kind === 'aborted' && signal.reason instanceof Error
          ? jobError('interrupted', signal.reason.message, { printer: this.config.name })
          : f.kind === 'stalled'
            ? this.stalledReason(f)
            : this.failureReason(f);
    await this.jobs.update(job.id, { status: 'queued', error: reason, reprint: job.reprint || f.partial });
    if (f.kind !== 'aborted') this.observe(f.state);
    this.log.warn('print job not confirmed; it waits and is sent again', { printer: this.config.id, job: job.id, reason: reason.text, reprint: job.reprint || f.partial });
    return { reason, soon: false };
  }

  private stalledReason(f: PrintFailure): Notice {
    const advice = this.config.status ? '; if this model cannot answer status requests, set "status": false for it' : '';
    const text = f.kind === 'stalled' ? `${f.message}${advice}` : `${this.config.name} takes connections but has answered nothing for ${this.config.stallSeconds} s (stalled: switch it off and on${advice})`;
    return jobError('stalled', text, { printer: this.config.name });
  }

  /**
   * While a job prints: the printer's state as it answers; paper out or a cover open shows in the
   * job's error, and past `fallbackAfterSeconds` (with a fallback printer) the job is cut off so
   * that it goes to the fallback.
   */
  private blockedWatch(job: JobRecord, abort: AbortController): { seen(s: PrinterState): void; end(): void } {
    let timer: NodeJS.Timeout | null = null;
    const clear = () => {
      if (timer) clearTimeout(timer);
      timer = null;
    };
    return {
      seen: (s) => {
        this.observe(s);
        if (!isBlocked(s)) return clear();
        const reason = this.blockedReason(s);
        void this.jobs.update(job.id, { error: reason }).catch(() => undefined);
        const fallback = this.config.fallback;
        if (!fallback || timer) return;
        const left = Date.parse(job.createdAt) + this.config.fallbackAfterSeconds * 1000 - Date.now();
        timer = setTimeout(() => abort.abort(new CutOff(reason)), Math.max(0, left));
      },
      end: clear,
    };
  }
}
