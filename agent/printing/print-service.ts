import type { AgentConfig, PrinterConfig } from '../config.js';
import type { Directory } from '../directory/directory.js';
import { AgentError, notFound } from '../errors.js';
import { decode, type Printed as PrintedPaper } from '../../drivers/printer/decode.js';
import { previewOfBytes } from '../../drivers/printer/preview.js';
import { bodyHash, type JobRecord, jobOut, type JobStore } from './jobs.js';
import type { JobOut, JobStatus } from './model.js';
import type { Printers } from './printers.js';
import { renderRequest, renderRequestAll } from './render.js';
import type { PrintRequest } from './schema.js';

/** Who asks for a print: the till's token (its name and whether it may open the drawer) or the staff page. */
export interface PrintCaller {
  name: string;
  mayOpenDrawer: boolean;
}

export interface Printed {
  /** the contract's job: the first ticket's */
  job: JobOut;
  /** every ticket's job: one per printer when preparation lines name stations */
  jobs: JobOut[];
  /** the Idempotency-Key made these jobs before: nothing was printed again */
  replayed: boolean;
}

/**
 * Printing as the till and the staff page ask for it: the drawer's scope, idempotency, the split
 * of a preparation ticket between its stations, previews, reprints. Every job is on disk before
 * any of these return; the printers' workers print them.
 */
export class PrintService {
  constructor(
    private readonly config: AgentConfig,
    private readonly directory: Directory,
    private readonly jobs: JobStore,
    private readonly printers: Printers,
  ) {}

  async print(req: PrintRequest, idempotencyKey: string | null, caller: PrintCaller): Promise<Printed> {
    const drawer = req.type === 'receipt' && req.openDrawer === true;
    if (drawer && !caller.mayOpenDrawer) {
      throw new AgentError('forbidden', 'Forbidden', `The token "${caller.name}" may print but not open the cash drawer (scope "drawer").`);
    }
    const hash = bodyHash(req);
    if (idempotencyKey) {
      const earlier = this.jobs.byIdempotencyKey(idempotencyKey);
      if (earlier && earlier.bodyHash === hash) return { job: jobOut(earlier), jobs: this.jobs.withIdempotencyKey(idempotencyKey).map(jobOut), replayed: true };
      if (earlier) {
        throw new AgentError(
          'refused',
          'Idempotency-Key reused',
          `The Idempotency-Key "${idempotencyKey}" was used in the last 24 h for another request (job ${earlier.id}); use a new key for a new ticket.`,
        );
      }
    }
    const tickets = renderRequestAll(req, this.config, this.directory);
    // the tickets' journal writes share one fsync (group commit) rather than wait in turn
    const created = await Promise.all(
      tickets.map((r) =>
        this.printers.enqueue({ type: req.type, printer: r.printer.id, copies: req.copies, idempotencyKey, bodyHash: hash, bytes: r.bytes, drawer, warnings: r.warnings, number: r.number, clientId: r.clientId }),
      ),
    );
    const [first] = created;
    if (!first) throw new Error('a print request made no ticket');
    return { job: jobOut(first), jobs: created.map(jobOut), replayed: false };
  }

  /** "Imprimer la carte": the client's card on the printer with the "client" role; says which printer. */
  async printClientCard(clientId: string): Promise<PrinterConfig> {
    const r = renderRequest({ type: 'client', client: { id: clientId } }, this.config, this.directory);
    await this.printers.enqueue({ type: 'client', printer: r.printer.id, bytes: r.bytes, warnings: r.warnings, clientId: r.clientId });
    return r.printer;
  }

  job(id: string): JobOut {
    const job = this.jobs.get(id);
    if (!job) throw notFound('Job', id);
    return jobOut(job);
  }

  list(status: JobStatus | null, limit: number): JobOut[] {
    return this.jobs.list(status, limit).map(jobOut);
  }

  async cancel(id: string): Promise<JobOut> {
    const job = this.jobs.get(id);
    if (!job) throw notFound('Job', id);
    if (job.status !== 'queued') throw new AgentError('refused', 'Too late to cancel', `Job ${id} is ${job.status}: only a queued job can be cancelled.`);
    return jobOut(await this.jobs.update(id, { status: 'cancelled' }));
  }

  async testPage(printerId: string): Promise<JobOut> {
    const job = await this.printers.testPage(printerId);
    if (!job) throw notFound('Printer', printerId);
    return jobOut(job);
  }

  /** A copy of a job, marked as such, that does not open the cash drawer again. */
  async reprint(jobId: string): Promise<JobOut> {
    const job = await this.printers.reprint(jobId);
    if (!job) throw notFound('Job', jobId);
    return jobOut(job);
  }

  /** The ticket a request would give, as HTML drawn from its bytes; nothing is printed. */
  preview(req: PrintRequest): string {
    const r = renderRequest(req, this.config, this.directory);
    return previewOfBytes(r.bytes, r.printer, `${req.type} — ${r.printer.name}`);
  }

  /** A queued or printed job's paper, read back from the bytes it holds (the staff page draws it), with its printer if it is still configured. */
  paperOfJob(jobId: string): { job: JobRecord; printer: PrinterConfig | null; paper: PrintedPaper[]; width: number } {
    const job = this.jobs.get(jobId);
    if (!job) throw notFound('Job', jobId);
    const printer = this.config.printers.find((x) => x.id === job.printer) ?? null;
    const { model, width } = printer ?? { model: 'epson', width: 48 };
    return { job, printer, paper: decode(Buffer.from(job.bytes, 'base64'), model), width };
  }
}
