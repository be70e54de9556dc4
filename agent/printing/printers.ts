import path from 'node:path';
import type { AgentConfig, PrinterConfig } from '../config.js';
import type { EventBus } from '../events.js';
import type { Logger } from '../log.js';
import { FileTransport } from '../../drivers/printer/file.js';
import { SerialTransport } from '../../drivers/printer/serial.js';
import { TcpTransport } from '../../drivers/printer/tcp.js';
import { UsbPrinterTransport } from '../../drivers/printer/usb.js';
import { PermanentPrintError, type PrinterState, type PrinterTransport } from '../../drivers/printer/transport.js';
import { VirtualTransport } from '../../drivers/printer/virtual.js';
import type { JobRecord, JobStore, NewJob } from './jobs.js';
import { encode, withoutDrawer } from '../../drivers/printer/escpos.js';
import { testPageBlocks } from './tickets.js';

export function transportFor(p: PrinterConfig, storeDir: string): PrinterTransport {
  const t = p.transport;
  switch (t.type) {
    case 'tcp':
      return new TcpTransport({ host: t.host, port: t.port });
    case 'file':
      return new FileTransport(t.path);
    case 'virtual':
      return new VirtualTransport(path.join(storeDir, 'virtual', p.id), { model: p.model, width: p.width, name: p.name });
    case 'serial':
      return new SerialTransport(t.path, t.baudRate);
    case 'usb':
      return new UsbPrinterTransport(Number(t.vendorId), Number(t.productId));
  }
}

export interface PrinterOut {
  id: string;
  name: string;
  roles: PrinterConfig['roles'];
  transport: PrinterConfig['transport']['type'];
  status: 'online' | 'offline' | 'paper-out' | 'cover-open' | 'unknown';
  /** finer than the contract's status: paper near end is still online */
  detail: PrinterState;
  queued: number;
}

/** Retry delays while a printer is unreachable: short, so a job prints within 5 s of its return. */
const RETRY_MS = [500, 1000, 2000, 4000];
const STATUS_POLL_MS = 5000;
const GIVE_UP_MS = 24 * 60 * 60 * 1000;

/**
 * One worker per printer, each printing its own queue oldest first: a dead printer never holds up
 * another. A job is marked `printing` on disk before its bytes are sent, and `done` after, so one
 * cut short by a crash is printed again and marked as such. While a printer is unreachable or out
 * of paper its jobs wait with the reason, and are tried again within a few seconds.
 */
export class Printers {
  private readonly workers = new Map<string, Worker>();

  constructor(
    private readonly config: AgentConfig,
    storeDir: string,
    private readonly jobs: JobStore,
    private readonly bus: EventBus,
    private readonly log: Logger,
    makeTransport: (p: PrinterConfig) => PrinterTransport = (p) => transportFor(p, storeDir),
  ) {
    for (const p of config.printers) this.workers.set(p.id, new Worker(p, makeTransport(p), jobs, bus, log, (id) => this.wake(id)));
  }

  start(): void {
    for (const w of this.workers.values()) w.start();
  }

  async stop(): Promise<void> {
    await Promise.all([...this.workers.values()].map((w) => w.stop()));
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
    return this.enqueue({ type: job.type, printer: job.printer, bytes: withoutDrawer(Buffer.from(job.bytes, 'base64')), reprintOf: job.id });
  }

  list(): PrinterOut[] {
    return [...this.workers.values()].map((w) => w.out());
  }

}

class Worker {
  private stopped = true;
  private running: Promise<void> | null = null;
  private wakeUp: (() => void) | null = null;
  private state: PrinterState = 'unknown';
  private poll: NodeJS.Timeout | null = null;

  constructor(
    private readonly config: PrinterConfig,
    private readonly transport: PrinterTransport,
    private readonly jobs: JobStore,
    private readonly bus: EventBus,
    private readonly log: Logger,
    private readonly wakePrinter: (id: string) => void,
  ) {}

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.running = this.loop().catch((err: unknown) => this.log.error(`printer ${this.config.id}: worker stopped: ${String(err)}`));
    if (this.twoWay()) {
      // Two-way printers report paper and cover: staff see it before a job waits on it
      this.poll = setInterval(() => void this.refreshStatus(), STATUS_POLL_MS);
      this.poll.unref();
      void this.refreshStatus();
    } else if (this.config.transport.type === 'virtual') {
      this.setState('online');
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.poll) clearInterval(this.poll);
    this.wake();
    await this.running; // a job being sent finishes: its bytes are not cut in the middle
    await this.transport.close();
  }

  wake(): void {
    this.wakeUp?.();
  }

  out(): PrinterOut {
    const s = this.state;
    return {
      id: this.config.id,
      name: this.config.name,
      roles: this.config.roles,
      transport: this.config.transport.type,
      status: contractStatus(s),
      detail: s,
      queued: this.jobs.queuedFor(this.config.id).length,
    };
  }

  private twoWay(): boolean {
    const t = this.config.transport.type;
    return t === 'tcp' || t === 'serial' || t === 'usb';
  }

  private setState(s: PrinterState): void {
    if (s === this.state) return;
    this.state = s;
    this.log.info(`printer ${this.config.id}: ${s}`);
    this.bus.emit('printer', { id: this.config.id, status: contractStatus(s), detail: s });
  }

  private async refreshStatus(): Promise<PrinterState> {
    const s = await this.transport.status().catch((): PrinterState => 'unknown');
    this.setState(s);
    return s;
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wakeUp = done;
    });
  }

  private async loop(): Promise<void> {
    let failures = 0;
    while (!this.stopped) {
      const job = this.jobs.queuedFor(this.config.id)[0];
      if (!job) {
        await this.sleep(60_000);
        continue;
      }
      let wait: string | null;
      try {
        wait = await this.print(job);
      } catch (err) {
        // the job could not be saved (disk full?): nothing was sent; try again shortly
        this.log.error(`printer ${this.config.id}: job ${job.id}: ${err instanceof Error ? err.message : String(err)}`);
        wait = 'not saved';
      }
      if (wait === null) {
        failures = 0;
        continue;
      }
      await this.toFallback(wait);
      await this.sleep(RETRY_MS[Math.min(failures++, RETRY_MS.length - 1)]!);
    }
  }

  /** Jobs that waited too long on this printer go to the fallback printer, if one is set. */
  private async toFallback(reason: string): Promise<void> {
    const fallback = this.config.fallback;
    if (!fallback) return;
    let moved = 0;
    for (const job of this.jobs.queuedFor(this.config.id)) {
      if (Date.now() - Date.parse(job.createdAt) < this.config.fallbackAfterSeconds * 1000) break; // oldest first
      await this.jobs.update(job.id, { printer: fallback, error: `${reason} — sent to ${fallback} instead` });
      moved++;
    }
    if (moved === 0) return;
    this.log.warn(`printer ${this.config.id}: ${moved} job(s) moved to ${fallback} (${reason})`);
    this.wakePrinter(fallback);
  }

  /** Prints one job; null when it is finished (done, failed or cancelled), or the reason it waits. */
  private async print(job: JobRecord): Promise<string | null> {
    if (this.twoWay() && (this.state === 'paper-out' || this.state === 'cover-open')) {
      // Do not send into a printer that cannot print: look again, and wait with the reason
      const now = await this.refreshStatus();
      if (now === 'paper-out' || now === 'cover-open') {
        const reason = now === 'paper-out' ? `${this.config.name}: paper out` : `${this.config.name}: cover open`;
        if (job.error !== reason) await this.jobs.update(job.id, { error: reason });
        return reason;
      }
    }
    const started = await this.jobs.update(job.id, { status: 'printing', attempts: job.attempts + 1 });
    const bytes = Buffer.from(started.bytes, 'base64');
    try {
      for (let copy = 0; copy < started.copies; copy++) await this.transport.send(bytes);
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
      if (err instanceof PermanentPrintError || Date.now() - Date.parse(started.createdAt) > GIVE_UP_MS) {
        await this.jobs.update(job.id, { status: 'failed', error: reason });
        this.log.warn(`printer ${this.config.id}: job ${job.id} failed: ${reason}`);
        return null;
      }
      await this.jobs.update(job.id, { status: 'queued', error: reason });
      if (this.twoWay()) this.setState('offline');
      return reason;
    }
    await this.jobs.update(job.id, { status: 'done', error: null });
    if (this.twoWay() && this.state === 'offline') void this.refreshStatus();
    return null;
  }
}

/** The contract's printer status: paper near its end still prints, so it is "online" (the detail says more). */
function contractStatus(s: PrinterState): 'online' | 'offline' | 'paper-out' | 'cover-open' | 'unknown' {
  return s === 'paper-near-end' ? 'online' : s;
}
