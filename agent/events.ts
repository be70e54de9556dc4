import { EventEmitter } from 'node:events';
import type { Scan } from './scans/scan-service.js';
import type { ScannerStatus } from '../drivers/scanner/types.js';
import type { PrinterState } from '../drivers/printer/transport.js';
import type { JobOut } from './printing/jobs.js';
import type { PrinterStatus } from './printing/printers.js';
import type { SyncStatus } from './sync/sync.js';

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
