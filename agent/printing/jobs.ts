import { createHash, randomBytes } from 'node:crypto';
import path from 'node:path';
import { z } from 'zod';
import type { EventBus } from '../events.js';
import type { Logger } from '../log.js';
import { DurableJsonFile } from '../store/durable-file.js';
import { nodeFs, type StoreFs } from '../store/fs.js';
import { Journal, JournalUnavailableError } from '../store/journal.js';
import { CONFIRMATIONS } from '../../drivers/printer/transport.js';
import { FINISHED_STATUSES, JOB_STATUSES, JOB_TYPES, type JobOut, type JobStatus } from './model.js';
import { type Coded, codedSchema, type Notice } from './notices.js';


/**
 * Print jobs on disk: every change of a job (created, printing, done…) is one line appended to a
 * write-ahead journal and fdatasync'ed (the directory's journal, with group commit) before anyone
 * hears of it: the till's 202, the worker sending the bytes. The journal is folded into a snapshot
 * file from time to time. After a crash or a power cut every acknowledged job is still there, and
 * one that was printing is printed again and marked `reprint`.
 */

const jobSchema = z.object({
  format: z.literal(1),
  id: z.string().regex(/^job_[A-Za-z0-9_-]+$/),
  status: z.enum(JOB_STATUSES),
  type: z.enum(JOB_TYPES),
  printer: z.string(),
  copies: z.number().int().min(1).max(5),
  attempts: z.number().int().min(0),
  error: z.string().nullable(),
  /** printed again after the agent stopped while it was printing */
  reprint: z.boolean(),
  createdAt: z.string(),
  updatedAt: z.string(),
  bytes: z.string(), // base64
  idempotencyKey: z.string().nullable(),
  bodyHash: z.string().nullable(),
  /** staff printed this job again from the printers page: the job it copies */
  reprintOf: z.string().nullable().default(null),
  /** the ticket opens the cash drawer (kept for the audit list) */
  drawer: z.boolean().default(false),
  /** how a done job was confirmed: printed, received by the printer, or sent over a one-way link */
  confirmed: z.enum(CONFIRMATIONS).nullable().default(null),
  /** what could not print as asked (a barcode too long for the paper printed as a QR code…) */
  warnings: z.array(z.string()).default([]),
  // Added since: a record without them loads, and shows its English text as written.
  /** the code of `error`, for the staff page's language (see notices.ts) */
  errorCode: codedSchema.nullable().default(null),
  /** the code of each warning, in the same order (null: none kept) */
  warningCodes: z.array(codedSchema.nullable()).default([]),
  /** the ticket's number as the till sent it (a receipt's, a preparation ticket's) */
  number: z.string().nullable().default(null),
  /** the client the ticket is for: the printers page shows the client's name as it is now */
  clientId: z.string().nullable().default(null),
});
export type JobRecord = z.infer<typeof jobSchema>;

export function jobOut(j: JobRecord): JobOut {
  return {
    id: j.id,
    status: j.status,
    type: j.type,
    printer: j.printer,
    attempts: j.attempts,
    error: j.error,
    createdAt: j.createdAt,
    updatedAt: j.updatedAt,
    copies: j.copies,
    reprint: j.reprint,
    reprintOf: j.reprintOf,
    drawer: j.drawer,
    warnings: j.warnings,
    confirmed: j.confirmed,
  };
}

/** What a new job needs: the ticket's bytes and its printer; the rest has defaults. */
export interface NewJob {
  type: JobRecord['type'];
  printer: string;
  bytes: Buffer;
  copies?: number;
  idempotencyKey?: string | null;
  bodyHash?: string | null;
  reprintOf?: string;
  drawer?: boolean;
  warnings?: readonly Notice[];
  number?: string | null;
  clientId?: string | null;
}

/** What changes in a job as it prints; an error is stored as its English text and its code. */
export type JobChange = Partial<Pick<JobRecord, 'status' | 'attempts' | 'reprint' | 'printer' | 'confirmed'>> & { error?: Notice | null };

/** A job's error as said: its text and code (null when it has none). */
export function errorOf(j: Pick<JobRecord, 'error' | 'errorCode'>): Notice | null {
  return j.error === null ? null : { text: j.error, coded: j.errorCode };
}

/** A job's warnings as said, each with its code (null for a record that kept none). */
export function warningsOf(j: Pick<JobRecord, 'warnings' | 'warningCodes'>): Notice[] {
  return j.warnings.map((text, i) => ({ text, coded: j.warningCodes[i] ?? null }));
}

export function bodyHash(body: unknown): string {
  return createHash('sha256').update(JSON.stringify(body)).digest('hex');
}

const IDEMPOTENCY_MS = 24 * 60 * 60 * 1000;
const KEEP_FINISHED = 1000;
/** Journal lines before they are folded into the snapshot. */
const COMPACT_AFTER = 2000;
/** While a job's progress is not on disk (disk full): how often a snapshot is tried. */
const UNSAVED_RETRY_MS = 3000;

const snapshotSchema = z.object({ format: z.literal(1), seq: z.number().int().min(0), jobs: z.array(jobSchema) });
type Snapshot = z.infer<typeof snapshotSchema>;

export class JobStore {
  private readonly jobs = new Map<string, JobRecord>();
  private readonly journal: Journal;
  private readonly snapshotFile: DurableJsonFile<Snapshot>;
  private appends = 0;
  private compacting: Promise<void> | null = null;
  private retryTimer: NodeJS.Timeout | null = null;
  /** jobs created whose line is not on disk yet */
  private readonly unwritten = new Set<string>();

  constructor(
    private readonly dir: string,
    private readonly bus: EventBus,
    private readonly log: Logger,
    private readonly now: () => number = Date.now,
    private readonly fs: StoreFs = nodeFs,
  ) {
    this.journal = new Journal(path.join(dir, 'journal'), log, fs);
    this.snapshotFile = new DurableJsonFile(path.join(dir, 'jobs.json'), (raw) => snapshotSchema.parse(raw), log, { fs });
  }

  /** Reads every job; one that was printing when the agent stopped goes back in the queue as a reprint. */
  async load(options: { readOnly?: boolean } = {}): Promise<{ requeued: number }> {
    if (!options.readOnly) await this.fs.mkdir(this.dir, { recursive: true });
    const snapshot = await this.snapshotFile.read();
    for (const job of snapshot?.jobs ?? []) this.jobs.set(job.id, job);
    for (const entry of await this.journal.open(snapshot?.seq ?? 0, options.readOnly)) {
      for (const op of entry.ops) {
        const job = jobSchema.safeParse(op);
        if (job.success) this.jobs.set(job.data.id, job.data);
        else this.log.warn('print queue: a journal entry is not a job; skipped', { seq: entry.seq });
      }
    }
    let requeued = 0;
    if (options.readOnly) return { requeued: [...this.jobs.values()].filter((j) => j.status === 'printing').length };
    for (const job of [...this.jobs.values()]) {
      if (job.status === 'printing') {
        await this.update(job.id, { status: 'queued', reprint: true });
        requeued++;
      }
    }
    this.prune();
    return { requeued };
  }

  /** Folds the journal into the snapshot, then closes it: every job is on disk. */
  async close(): Promise<void> {
    if (this.retryTimer) clearInterval(this.retryTimer);
    this.retryTimer = null;
    await this.compact().catch((err: unknown) => this.log.error('print queue: the last snapshot could not be written; the journal keeps what was saved', { error: err instanceof Error ? err.message : String(err) }));
    await this.journal.close();
  }

  get(id: string): JobRecord | null {
    return this.jobs.get(id) ?? null;
  }

  /** Jobs, newest first. */
  list(status: JobStatus | null, limit: number): JobRecord[] {
    return [...this.jobs.values()]
      .filter((j) => status === null || j.status === status)
      .sort((a, b) => (a.createdAt < b.createdAt ? 1 : a.createdAt > b.createdAt ? -1 : a.id < b.id ? 1 : -1))
      .slice(0, limit);
  }

  /** Queued jobs of a printer, oldest first (the order the worker prints them). */
  queuedFor(printer: string): JobRecord[] {
    return [...this.jobs.values()].filter((j) => j.printer === printer && j.status === 'queued' && !this.unwritten.has(j.id)).sort((a, b) => (a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : a.id < b.id ? -1 : 1));
  }

  /** The job this key was used for in the last 24 h, if any. */
  byIdempotencyKey(key: string): JobRecord | null {
    const since = this.now() - IDEMPOTENCY_MS;
    for (const j of this.jobs.values()) if (j.idempotencyKey === key && Date.parse(j.createdAt) >= since) return j;
    return null;
  }

  /** Drawer openings and reprints among the jobs kept, newest first (the printers page's audit). */
  audit(limit: number): JobRecord[] {
    return this.list(null, Number.MAX_SAFE_INTEGER)
      .filter((j) => j.drawer || j.reprint || j.reprintOf !== null)
      .slice(0, limit);
  }

  /** Every job a key made in the last 24 h (one per printer for a split preparation ticket), oldest first. */
  withIdempotencyKey(key: string): JobRecord[] {
    const since = this.now() - IDEMPOTENCY_MS;
    return [...this.jobs.values()].filter((j) => j.idempotencyKey === key && Date.parse(j.createdAt) >= since);
  }

  /** Creates a job and resolves once it is on disk. */
  async create(input: NewJob): Promise<JobRecord> {
    const at = new Date(this.now()).toISOString();
    // Sortable by time, unique without coordination
    const id = `job_${this.now().toString(36).padStart(9, '0')}_${randomBytes(6).toString('base64url')}`;
    const job: JobRecord = {
      format: 1,
      id,
      status: 'queued',
      type: input.type,
      printer: input.printer,
      copies: input.copies ?? 1,
      attempts: 0,
      error: null,
      reprint: false,
      createdAt: at,
      updatedAt: at,
      bytes: input.bytes.toString('base64'),
      idempotencyKey: input.idempotencyKey ?? null,
      bodyHash: input.bodyHash ?? null,
      reprintOf: input.reprintOf ?? null,
      drawer: input.drawer ?? false,
      confirmed: null,
      warnings: (input.warnings ?? []).map((w) => w.text),
      errorCode: null,
      warningCodes: (input.warnings ?? []).map((w): Coded | null => w.coded),
      number: input.number ?? null,
      clientId: input.clientId ?? null,
    };
    // Known at once (an Idempotency-Key sent twice at the same moment makes one job), but printed
    // and snapshotted only once it is on disk: a job whose 202 never came is never printed.
    this.jobs.set(id, job);
    this.unwritten.add(id);
    try {
      await this.persist(job);
    } catch (err) {
      this.jobs.delete(id);
      throw err;
    } finally {
      this.unwritten.delete(id);
    }
    this.bus.emit('job', jobOut(job));
    return job;
  }

  /**
   * Changes a job and resolves once the change is on disk. When the disk cannot take it (full),
   * printing goes on: the change stays in memory, is said once in the log, and is saved by the next
   * snapshot that succeeds (retried every few seconds). Only a new job is refused (507): a 202 is
   * given once the job is on disk.
   */
  async update(id: string, change: JobChange): Promise<JobRecord> {
    const current = this.jobs.get(id);
    if (!current) throw new Error(`no job ${id}`);
    const { error, ...rest } = change;
    const said = error === undefined ? {} : { error: error?.text ?? null, errorCode: error?.coded ?? null };
    const next: JobRecord = { ...current, ...rest, ...said, updatedAt: new Date(this.now()).toISOString() };
    this.jobs.set(id, next);
    try {
      await this.persist(next);
    } catch (err) {
      if (!(err instanceof JournalUnavailableError)) throw err;
      this.unsaved(err);
    }
    if (change.status !== undefined && change.status !== current.status) this.bus.emit('job', jobOut(next));
    return next;
  }

  /** A job's progress could not be saved: printing goes on, and a snapshot saves it once the disk takes it. */
  private unsaved(err: JournalUnavailableError): void {
    if (this.retryTimer) return;
    this.log.warn("print queue: a job's progress could not be saved; printing goes on, and it is saved as soon as the disk takes it (after a crash meanwhile, a ticket may print again)", {
      problem: err.diskFull ? 'disk full' : err.message,
    });
    this.retryTimer = setInterval(() => {
      void this.compact().then(
        () => {
          if (this.retryTimer) clearInterval(this.retryTimer);
          this.retryTimer = null;
          this.log.info('print queue: every job is saved again');
        },
        () => undefined,
      );
    }, UNSAVED_RETRY_MS);
    this.retryTimer.unref();
  }

  /** Finished jobs beyond the newest 1,000 are forgotten (the next snapshot leaves them out). */
  prune(): void {
    const finished = [...this.jobs.values()].filter((j) => FINISHED_STATUSES.includes(j.status));
    finished.sort((a, b) => (a.updatedAt < b.updatedAt ? 1 : -1));
    for (const j of finished.slice(KEEP_FINISHED)) this.jobs.delete(j.id);
  }

  private async persist(job: JobRecord): Promise<void> {
    const { durable } = this.journal.append([job]);
    if (++this.appends >= COMPACT_AFTER) void this.compact().catch((err: unknown) => this.log.error('print queue: snapshot failed', { error: String(err) }));
    await durable;
  }

  private async compact(): Promise<void> {
    while (this.compacting) await this.compacting;
    this.compacting = (async () => {
      this.appends = 0;
      this.prune();
      await this.journal.rotate();
      const seq = this.journal.seq;
      // Jobs changed after the rotation are in the new segment too: replaying them is harmless.
      await this.snapshotFile.write({ format: 1, seq, jobs: [...this.jobs.values()].filter((j) => !this.unwritten.has(j.id)) });
      await this.journal.removeBefore(seq);
    })().finally(() => {
      this.compacting = null;
    });
    await this.compacting;
  }
}
