import { OpenAPIHono, createRoute, z } from '@hono/zod-openapi';
import { CONFIRMATIONS, PRINTER_STATES } from '../../../drivers/printer/transport.js';
import { PRINTER_ROLES, PRINTER_TRANSPORTS } from '../../config.js';
import { JOB_STATUSES, JOB_TYPES, PRINTER_STATUSES } from '../../printing/model.js';
import type { PrintService } from '../../printing/print-service.js';
import type { Printers } from '../../printing/printers.js';
import { printRequestSchema } from '../../printing/schema.js';
import { validationHook } from '../validation.js';
import { requireScope, type SecurityEnv } from '../security.js';
import { errorResponses, idParam, jsonBody, jsonContent, locationHeader, problemResponse } from './common.js';
import { jobExample, receiptRequestExample } from './examples.js';

export const jobSchema = z
  .object({
    id: z.string().openapi({ description: 'the job id (`job_…`)', example: jobExample.id }),
    status: z.enum(JOB_STATUSES).openapi({ description: 'queued → printing → done (confirmed by the printer), or failed, or cancelled' }),
    type: z.enum(JOB_TYPES).openapi({ description: 'the kind of ticket' }),
    printer: z.string().openapi({ description: 'the id of the printer it prints on', example: 'front' }),
    attempts: z.number().int().min(0).openapi({ description: 'how many times the agent tried to send it' }),
    error: z.string().nullable().openapi({ description: 'why the last attempt failed (a failed job: why it never will print); null when none did' }),
    createdAt: z.string().openapi({ format: 'date-time', description: 'when the job was accepted (ISO 8601, UTC)' }),
    updatedAt: z.string().openapi({ format: 'date-time', description: 'when its status last changed (ISO 8601, UTC)' }),
    copies: z.number().int().min(1).max(5).openapi({ description: 'how many copies it prints' }),
    reprint: z.boolean().openapi({ description: 'printed again: the agent stopped while it was printing' }),
    reprintOf: z.string().nullable().openapi({ description: 'staff printed this job again from the printers page: the job it copies' }),
    drawer: z.boolean().openapi({ description: 'the ticket opens the cash drawer' }),
    warnings: z.array(z.string()).openapi({ description: 'what could not print as asked: a barcode too long for the paper printed as a QR code or as text' }),
    confirmed: z.enum(CONFIRMATIONS).nullable().openapi({
      description: 'how a done job was confirmed: "printed" (the printer said it printed it), "received" (the printer acknowledged every byte), "sent" (one-way link: every byte written and the connection closed cleanly); null until done',
    }),
  })
  .openapi('Job', { description: 'A print job, persisted before the answer: printed once, even across a restart or a printer offline for a while.', example: jobExample });

const printerExample = { id: 'front', name: 'Caisse', roles: ['receipt', 'client'], transport: 'tcp', status: 'online', detail: 'online', queued: 0 };

export const printerSchema = z
  .object({
    id: z.string().openapi({ description: "the printer's id in the config (`printer` of a print request)", example: 'front' }),
    name: z.string().openapi({ description: 'its name for staff', example: 'Caisse' }),
    roles: z.array(z.enum(PRINTER_ROLES)).openapi({ description: 'the ticket types it prints when a request names no printer' }),
    transport: z.enum(PRINTER_TRANSPORTS).openapi({ description: 'how the agent reaches it' }),
    status: z.enum(PRINTER_STATUSES).openapi({ description: 'busy: serving another host (a printer shared by tills); stalled: stopped taking bytes and answering, paper and cover fine' }),
    detail: z.enum(PRINTER_STATES).openapi({ description: 'finer than status: paper-near-end (still prints) shows as online' }),
    queued: z.number().int().min(0).openapi({ description: 'jobs waiting for it' }),
  })
  .openapi('Printer', { description: 'A configured printer and its live status.', example: printerExample });

const idempotencyHeader = z.object({
  'idempotency-key': z
    .string()
    .min(1)
    .max(128)
    .optional()
    .openapi({ description: 'any 1–128 characters, one per ticket (a UUID, the ticket number): the same key and body within 24 h answer 200 and the same job, nothing printed again; the same key with another body: 409', example: 'till-1/2026-000123' }),
});

const printAnswer = jobSchema
  .extend({ jobs: z.array(jobSchema).openapi({ description: 'every job made: one per printer when preparation lines name stations (the first is the job itself)' }) })
  .openapi('PrintAnswer', { description: 'The (first) job, and every job the request made.', example: { ...jobExample, jobs: [jobExample] } });

const jobIdParam = z.object({ id: idParam.shape.id.openapi({ description: 'the job id', example: jobExample.id }) });
const printerIdParam = z.object({ id: idParam.shape.id.openapi({ description: "the printer's id", example: 'front' }) });

/** POST /print, the jobs and the printers: everything is queued durably before the answer. */
const print = requireScope('print');

export function printRoutes(service: PrintService, printers: Printers) {
  const app = new OpenAPIHono<SecurityEnv>({ defaultHook: validationHook });

  app.openapi(
    createRoute({
      method: 'post',
      path: '/print',
      operationId: 'printTicket',
      tags: ['printing'],
      summary: 'Print a ticket: queued on disk, then printed (202 with the job)',
      description:
        'A receipt, a preparation ticket or a client card. The job is written to disk before the answer: it prints even if the agent restarts or the printer ' +
        'is offline for a while, and it prints once. Follow it with GET /jobs/{id} or the `job` events. Amounts are integers in centimes (1250 is 12.50); ' +
        'quantities have at most 3 decimals. Without `printer`, the printer whose roles list the type prints it. `openDrawer` needs the scope drawer. ' +
        'With Idempotency-Key, sending the same request again (a timeout, a retry) answers 200 with the first job and prints nothing again.',
      middleware: [print] as const,
      request: { headers: idempotencyHeader, body: jsonBody(printRequestSchema, receiptRequestExample) },
      responses: {
        200: jsonContent(printAnswer, 'The job this Idempotency-Key already made (nothing printed again)', { ...jobExample, jobs: [jobExample] }, locationHeader('/api/v1/jobs/job_0mihq3k2x_Zk3v9QaL')),
        202: jsonContent(printAnswer, 'Queued: the job (Location: /api/v1/jobs/{id})', { ...jobExample, jobs: [jobExample] }, locationHeader('/api/v1/jobs/job_0mihq3k2x_Zk3v9QaL')),
        ...errorResponses(400, 409, 413, 415, 422, 503, 507),
        409: problemResponse(409, 'The Idempotency-Key was used in the last 24 h for another request'),
      },
    }),
    async (c) => {
      const token = c.get('token');
      const { job, jobs, replayed } = await service.print(c.req.valid('json'), c.req.valid('header')['idempotency-key'] ?? null, {
        name: token.name,
        mayOpenDrawer: token.scopes.includes('drawer'),
      });
      c.header('Location', `/api/v1/jobs/${job.id}`);
      // The contract's job is the first; every ticket's job follows, for a split preparation ticket
      return c.json({ ...job, jobs }, replayed ? 200 : 202);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/jobs/{id}',
      operationId: 'getJob',
      tags: ['jobs'],
      summary: 'A print job',
      description: 'The job and its status; `done` with `confirmed` once the printer confirmed it. Jobs are kept for a while after they end.',
      middleware: [print] as const,
      request: { params: jobIdParam },
      responses: { 200: jsonContent(jobSchema, 'The job', jobExample), ...errorResponses(404) },
    }),
    (c) => c.json(service.job(c.req.valid('param').id), 200),
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/jobs',
      operationId: 'listJobs',
      tags: ['jobs'],
      summary: 'Recent print jobs, newest first',
      description: 'The jobs the agent keeps (queued, printing, and recently ended), newest first, optionally of one status.',
      middleware: [print] as const,
      request: {
        query: z.object({
          status: z.enum(JOB_STATUSES).optional().openapi({ description: 'only jobs with this status' }),
          limit: z.coerce.number().int().min(1).max(500).default(50).openapi({ description: 'how many at most (1–500, default 50)', example: 20 }),
        }),
      },
      responses: {
        200: jsonContent(z.object({ items: z.array(jobSchema).openapi({ description: 'newest first' }) }).openapi('JobList'), 'Jobs', { items: [jobExample] }),
        ...errorResponses(422),
      },
    }),
    (c) => {
      const q = c.req.valid('query');
      return c.json({ items: service.list(q.status ?? null, q.limit) }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'delete',
      path: '/jobs/{id}',
      operationId: 'cancelJob',
      tags: ['jobs'],
      summary: 'Cancel a job that has not started printing',
      description: 'Only a queued job can be cancelled (also while the agent is still trying to reach the printer); a job printing or ended gets 409.',
      middleware: [print] as const,
      request: { params: jobIdParam },
      responses: {
        200: jsonContent(jobSchema, 'Cancelled: the job, status cancelled', { ...jobExample, status: 'cancelled' }),
        ...errorResponses(404, 409, 503, 507),
        409: problemResponse(409, 'The job is printing or has ended: too late to cancel'),
      },
    }),
    async (c) => c.json(await service.cancel(c.req.valid('param').id), 200),
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/printers',
      operationId: 'listPrinters',
      tags: ['printers'],
      summary: 'The printers, their status and queue',
      description: 'Every printer of the config, in config order, with its live status (also sent as `printer` events on every change).',
      middleware: [print] as const,
      responses: { 200: jsonContent(z.array(printerSchema), 'Printers', [printerExample]), ...errorResponses() },
    }),
    (c) => c.json(printers.list(), 200),
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/printers/{id}/test',
      operationId: 'printTestPage',
      tags: ['printers'],
      summary: 'Print a test page (width ruler, code page sample); returns the job',
      description: 'A page showing the paper width, the code page (accents, €) and a barcode: what to check when installing a printer.',
      middleware: [print] as const,
      request: { params: printerIdParam },
      responses: {
        202: jsonContent(jobSchema, 'Queued: the job (Location: /api/v1/jobs/{id})', { ...jobExample, type: 'test' }, locationHeader('/api/v1/jobs/job_0mihq3k2x_Zk3v9QaL')),
        ...errorResponses(404, 503, 507),
      },
    }),
    async (c) => {
      const job = await service.testPage(c.req.valid('param').id);
      c.header('Location', `/api/v1/jobs/${job.id}`);
      return c.json(job, 202);
    },
  );
  return app;
}

/** POST /api/v1/preview: the ticket a print request would give, as HTML drawn from its bytes. */
export function previewRoutes(service: PrintService) {
  const app = new OpenAPIHono<SecurityEnv>({ defaultHook: validationHook });
  app.openapi(
    createRoute({
      method: 'post',
      path: '/',
      operationId: 'previewTicket',
      tags: ['printing'],
      summary: 'Preview a ticket: the same body as /print, nothing printed, the paper as HTML',
      description: 'Renders the request as it would print (the same bytes, decoded) and answers a faithful picture of the paper as an HTML page. Nothing is queued.',
      middleware: [print] as const,
      request: { body: jsonBody(printRequestSchema, receiptRequestExample) },
      responses: {
        200: {
          description: 'A picture of the paper (width, bold, sizes, alignment, barcodes), from the bytes that would print',
          content: { 'text/html': { schema: z.string().openapi({ description: 'an HTML page' }), example: '<!doctype html><html><body><div class="paper">…</div></body></html>' } },
        },
        ...errorResponses(400, 413, 415, 422),
      },
    }),
    (c) => c.html(service.preview(c.req.valid('json')), 200),
  );
  return app;
}
