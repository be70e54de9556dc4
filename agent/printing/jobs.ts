import { createHash, randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import type { EventBus } from '../events.js';
import type { Logger } from '../log.js';
import { DurableJsonFile } from '../store/durable-file.js';

/**
 * Print jobs on disk: one small file per job, written durably (temp file, fsync, rename, folder
 * fsync) before the till hears 202, and again when the job starts printing and when it ends. So
 * after a crash or a power cut every acknowledged job is still there, and one that was printing is
 * printed again and marked `reprint`.
 */

export const JOB_STATUSES = ['queued', 'printing', 'done', 'failed', 'cancelled'] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];

const jobSchema = z.object({
  format: z.literal(1),
  id: z.string().regex(/^job_[A-Za-z0-9_-]+$/),
  status: z.enum(JOB_STATUSES),
  type: z.enum(['receipt', 'preparation', 'client', 'test']),
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
});
export type JobRecord = z.infer<typeof jobSchema>;

/** What the API shows of a job (the contract's fields, and ours after them). */
export interface JobOut {
  id: string;
  status: JobStatus;
  type: JobRecord['type'];
  printer: string;
  attempts: number;
  error: string | null;
  createdAt: string;
  updatedAt: string;
  copies: number;
  reprint: boolean;
}

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
  };
}

export function bodyHash(body: unknown): string {
  return createHash('sha256').update(JSON.stringify(body)).digest('hex');
}

const IDEMPOTENCY_MS = 24 * 60 * 60 * 1000;
const KEEP_FINISHED = 1000;

export class JobStore {
  private readonly jobs = new Map<string, JobRecord>();
  private readonly files = new Map<string, DurableJsonFile<JobRecord>>();
  /** One write at a time per job: a later state never lands before an earlier one. */
  private readonly writing = new Map<string, Promise<void>>();

  constructor(
    private readonly dir: string,
    private readonly bus: EventBus,
    private readonly log: Logger,
    private readonly now: () => number = Date.now,
  ) {}

  /** Reads every job; one that was printing when the agent stopped goes back in the queue as a reprint. */
  async load(): Promise<{ requeued: number }> {
    await fs.mkdir(this.dir, { recursive: true });
    let requeued = 0;
    for (const name of (await fs.readdir(this.dir)).filter((n) => /^job_[A-Za-z0-9_-]+\.json$/.test(n))) {
      const file = this.file(name.slice(0, -5));
      const job = await file.read();
      if (!job) continue;
      this.jobs.set(job.id, job);
      if (job.status === 'printing') {
        await this.update(job.id, { status: 'queued', reprint: true });
        requeued++;
      }
    }
    await this.prune();
    return { requeued };
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
    return [...this.jobs.values()].filter((j) => j.printer === printer && j.status === 'queued').sort((a, b) => (a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : a.id < b.id ? -1 : 1));
  }

  /** The job this key was used for in the last 24 h, if any. */
  byIdempotencyKey(key: string): JobRecord | null {
    const since = this.now() - IDEMPOTENCY_MS;
    for (const j of this.jobs.values()) if (j.idempotencyKey === key && Date.parse(j.createdAt) >= since) return j;
    return null;
  }

  /** Creates a job and resolves once it is on disk. */
  async create(input: Pick<JobRecord, 'type' | 'printer' | 'copies' | 'idempotencyKey' | 'bodyHash'> & { bytes: Buffer }): Promise<JobRecord> {
    const at = new Date(this.now()).toISOString();
    // Sortable by time, unique without coordination
    const id = `job_${this.now().toString(36).padStart(9, '0')}_${randomBytes(6).toString('base64url')}`;
    const job: JobRecord = {
      format: 1,
      id,
      status: 'queued',
      type: input.type,
      printer: input.printer,
      copies: input.copies,
      attempts: 0,
      error: null,
      reprint: false,
      createdAt: at,
      updatedAt: at,
      bytes: input.bytes.toString('base64'),
      idempotencyKey: input.idempotencyKey,
      bodyHash: input.bodyHash,
    };
    this.jobs.set(id, job);
    try {
      await this.persist(job);
    } catch (err) {
      this.jobs.delete(id);
      throw err;
    }
    this.bus.emit('job', jobOut(job));
    return job;
  }

  /** Changes a job and resolves once the change is on disk. */
  async update(id: string, change: Partial<Pick<JobRecord, 'status' | 'attempts' | 'error' | 'reprint' | 'printer'>>): Promise<JobRecord> {
    const current = this.jobs.get(id);
    if (!current) throw new Error(`no job ${id}`);
    const next: JobRecord = { ...current, ...change, updatedAt: new Date(this.now()).toISOString() };
    this.jobs.set(id, next);
    await this.persist(next);
    if (change.status !== undefined && change.status !== current.status) this.bus.emit('job', jobOut(next));
    return next;
  }

  /** Finished jobs beyond the newest 1,000 are removed (with their files). */
  async prune(): Promise<void> {
    const finished = [...this.jobs.values()].filter((j) => j.status === 'done' || j.status === 'failed' || j.status === 'cancelled');
    finished.sort((a, b) => (a.updatedAt < b.updatedAt ? 1 : -1));
    for (const j of finished.slice(KEEP_FINISHED)) {
      this.jobs.delete(j.id);
      this.files.delete(j.id);
      const p = path.join(this.dir, `${j.id}.json`);
      await fs.rm(p, { force: true });
      await fs.rm(`${p}.bak`, { force: true });
    }
  }

  private file(id: string): DurableJsonFile<JobRecord> {
    let f = this.files.get(id);
    if (!f) {
      f = new DurableJsonFile(path.join(this.dir, `${id}.json`), (raw) => jobSchema.parse(raw), this.log);
      this.files.set(id, f);
    }
    return f;
  }

  private persist(job: JobRecord): Promise<void> {
    const previous = this.writing.get(job.id) ?? Promise.resolve();
    const done = previous.catch(() => undefined).then(() => this.file(job.id).write(job));
    this.writing.set(job.id, done);
    void done.finally(() => {
      if (this.writing.get(job.id) === done) this.writing.delete(job.id);
    }).catch(() => undefined);
    return done;
  }
}
