import type { PrinterConfig } from '../config.js';
import type { Confirmation, PrinterState } from '../../drivers/printer/transport.js';

/**
 * The words of printing, each written once: the schemas, the events and the pages derive from
 * these constants.
 */

export const JOB_STATUSES = ['queued', 'printing', 'done', 'failed', 'cancelled'] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];

/** A job that will not change again (kept a while for the till and the printers page, then dropped). */
export const FINISHED_STATUSES: readonly JobStatus[] = ['done', 'failed', 'cancelled'];

export const JOB_TYPES = ['receipt', 'preparation', 'client', 'test'] as const;
export type JobType = (typeof JOB_TYPES)[number];

/** What the API shows of a job (the contract's fields, and ours after them). */
export interface JobOut {
  id: string;
  status: JobStatus;
  type: JobType;
  printer: string;
  attempts: number;
  error: string | null;
  createdAt: string;
  updatedAt: string;
  copies: number;
  reprint: boolean;
  reprintOf: string | null;
  drawer: boolean;
  /** what could not print as asked, said for staff and the till */
  warnings: string[];
  confirmed: Confirmation | null;
}

/** The contract's printer statuses; `detail` is finer (paper near its end still prints: "online"). */
export const PRINTER_STATUSES = ['online', 'offline', 'busy', 'stalled', 'paper-out', 'cover-open', 'unknown'] as const;
export type PrinterStatus = (typeof PRINTER_STATUSES)[number];

export function contractStatus(s: PrinterState): PrinterStatus {
  return s === 'paper-near-end' ? 'online' : s;
}

export interface PrinterOut {
  id: string;
  name: string;
  roles: PrinterConfig['roles'];
  transport: PrinterConfig['transport']['type'];
  status: PrinterStatus;
  detail: PrinterState;
  queued: number;
}

