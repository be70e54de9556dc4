import { EventEmitter } from 'node:events';
import { collectGarbage } from './gc.js';
import type { Scan } from './scans/scan.js';
import type { ScannerStatus } from '../drivers/scanner/types.js';
import type { PrinterState } from '../drivers/printer/transport.js';
import type { JobOut, PrinterStatus } from './printing/model.js';
import type { SyncStatus } from './sync/status.js';

/** The agent's typed event bus: services publish, the SSE stream and the UI subscribe. */
export interface AgentEvents {
  directory: { entity: 'client' | 'group'; op: 'upsert' | 'delete'; id: string };
  scan: Scan;
  scanner: ScannerStatus;
  job: JobOut;
  sync: SyncStatus;
  printer: { id: string; status: PrinterStatus; detail: PrinterState };
}

export type EventName = keyof AgentEvents;

export class EventBus {
  private readonly emitter = new EventEmitter();

  constructor() {
    // Every open SSE stream is a listener; a busy shop has a handful, tests may have more.
    this.emitter.setMaxListeners(0);
  }

  emit<K extends EventName>(name: K, data: AgentEvents[K]): void {
    this.emitter.emit(name, data);
  }

  /** Subscribes and returns the function that unsubscribes. */
  on<K extends EventName>(name: K, listener: (data: AgentEvents[K]) => void): () => void {
    this.emitter.on(name, listener);
    return () => this.emitter.off(name, listener);
  }
}

/** An event as the streams send it: numbered, serialised once, however many streams carry it. */
export interface LoggedEvent {
  id: number;
  name: EventName;
  /** the whole server-sent event, `id:`, `event:` and `data:` lines, encoded once */
  frame: Uint8Array;
  /** the data, for streams that coalesce a burst */
  data: unknown;
}

export interface EventLogOptions {
  /** how many of the newest events are kept for a stream that reconnects with Last-Event-ID */
  maxEvents?: number;
  /** …and how many bytes of them at most */
  maxBytes?: number;
}

const encoder = new TextEncoder();

/**
 * The events every stream carries (`STREAMED`), numbered and kept for a while: a client that
 * reconnects with `Last-Event-ID` gets what it missed, or hears that it must reload (`reset`) when
 * that is no longer kept. Ids grow across restarts (they start from the clock), so an id from
 * before a restart is never taken for one of this run. Serialising once here, not per stream,
 * is what lets a hundred streams carry the same events at the cost of one.
 */
export class EventLog {
  private readonly ring: Array<LoggedEvent | undefined> = [];
  /** where the kept events start in `ring` */
  private head = 0;
  private bytes = 0;
  private nextId = Date.now() * 1000;
  private readonly listeners = new Set<(e: LoggedEvent) => void>();
  private readonly offs: Array<() => void> = [];
  private readonly maxEvents: number;
  private readonly maxBytes: number;
  private reclaimPending = false;
  private reclaimTimer: NodeJS.Timeout | null = null;

  constructor(bus: EventBus, names: readonly EventName[], options: EventLogOptions = {}) {
    this.maxEvents = options.maxEvents ?? 10_000;
    this.maxBytes = options.maxBytes ?? 4 * 1024 * 1024;
    for (const name of names) this.offs.push(bus.on(name, (data) => this.add(name, data)));
  }

  /** The newest event's id (before any: the id the first will follow). */
  get lastId(): number {
    return this.nextId - 1;
  }

  /** Every event from now on; returns the function that unsubscribes. */
  subscribe(listener: (e: LoggedEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The events after `id`, oldest first; null when some of them are no longer kept (or `id` is from elsewhere). */
  since(id: number): LoggedEvent[] | null {
    if (!Number.isSafeInteger(id) || id > this.lastId) return null;
    if (id === this.lastId) return [];
    const first = this.ring[this.head];
    if (!first || id < first.id - 1) return null;
    // the ids kept are consecutive: the place of the next one is a subtraction
    return this.ring.slice(this.head + (id + 1 - first.id)).filter((e): e is LoggedEvent => e !== undefined);
  }

  /**
   * A stream was cut off for falling behind: once the events go quiet for a moment, one full
   * collection gives back what its queue and socket held (V8 alone would keep it resident).
   */
  reclaimSoon(): void {
    this.reclaimPending = true;
    this.armReclaim();
  }

  private armReclaim(): void {
    if (this.reclaimTimer) clearTimeout(this.reclaimTimer);
    this.reclaimTimer = setTimeout(() => {
      this.reclaimTimer = null;
      this.reclaimPending = false;
      collectGarbage();
    }, RECLAIM_QUIET_MS);
    this.reclaimTimer.unref();
  }

  stop(): void {
    for (const off of this.offs) off();
    this.listeners.clear();
    if (this.reclaimTimer) clearTimeout(this.reclaimTimer);
  }

  private add(name: EventName, data: unknown): void {
    const id = this.nextId++;
    const e: LoggedEvent = { id, name, data, frame: encoder.encode(`id: ${id}\nevent: ${name}\ndata: ${JSON.stringify(data)}\n\n`) };
    this.ring.push(e);
    this.bytes += e.frame.length;
    while (this.ring.length - this.head > 1 && (this.ring.length - this.head > this.maxEvents || this.bytes > this.maxBytes)) {
      this.bytes -= this.ring[this.head]!.frame.length;
      this.ring[this.head++] = undefined;
    }
    if (this.head > 1024 && this.head * 2 > this.ring.length) {
      this.ring.splice(0, this.head); // forget the evicted ones in one go, not one shift at a time
      this.head = 0;
    }
    for (const l of this.listeners) l(e);
    if (this.reclaimPending) this.armReclaim();
  }
}

/** How long the events must be quiet after a stream was cut off before memory is reclaimed. */
const RECLAIM_QUIET_MS = 2000;
