import { OpenAPIHono, createRoute, z } from '@hono/zod-openapi';
import type { AgentConfig } from '../../config.js';
import type { Directory } from '../../directory/directory.js';
import { renderRequest, renderRequestAll } from '../../printing/render.js';
import { printRequestSchema } from '../../printing/schema.js';
import { previewOfBytes } from '../../../drivers/printer/preview.js';
import { validationHook } from '../problem.js';
import { requireScope, type SecurityEnv } from '../security.js';
import { errorResponses, jsonBody, jsonContent } from './common.js';
import { AgentError, notFound } from '../../errors.js';
import { bodyHash, JOB_STATUSES, jobOut, type JobStore } from '../../printing/jobs.js';
import { PRINTER_STATUSES, type Printers } from '../../printing/printers.js';
import { CONFIRMATIONS, PRINTER_STATES } from '../../../drivers/printer/transport.js';

const jobSchema = z
  .object({
    id: z.string(),
    status: z.enum(JOB_STATUSES).openapi({ description: 'queued → printing → done (confirmed by the printer), or failed, or cancelled' }),
    type: z.enum(['receipt', 'preparation', 'client', 'test']),
    printer: z.string(),
    attempts: z.number().int(),
    error: z.string().nullable(),
    createdAt: z.string(),
    updatedAt: z.string(),
    copies: z.number().int(),
    reprint: z.boolean().openapi({ description: 'printed again: the agent stopped while it was printing' }),
    reprintOf: z.string().nullable().openapi({ description: 'staff printed this job again from the printers page: the job it copies' }),
    drawer: z.boolean().openapi({ description: 'the ticket opens the cash drawer' }),
    confirmed: z.enum(CONFIRMATIONS).nullable().openapi({
      description: 'how a done job was confirmed: "printed" (the printer said it printed it), "received" (the printer acknowledged every byte), "sent" (one-way link: every byte written and the connection closed cleanly); null until done',
    }),
  })
  .openapi('Job');

const printerSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    roles: z.array(z.enum(['receipt', 'preparation', 'client'])),
    transport: z.enum(['tcp', 'serial', 'usb', 'file', 'virtual']),
    status: z.enum(PRINTER_STATUSES).openapi({ description: 'busy: serving another host (a printer shared by tills); stalled: stopped taking bytes and answering, paper and cover fine' }),
    detail: z.enum(PRINTER_STATES).openapi({ description: 'finer than status: paper-near-end (still prints) shows as online' }),
    queued: z.number().int(),
  })
  .openapi('Printer');

const idempotencyHeader = z.object({
  'idempotency-key': z.string().min(1).max(128).optional().openapi({ description: 'the same key and body within 24 h: 200 and the same job, nothing printed again' }),
});
const jobId = z.object({ id: z.string().min(1).max(64).openapi({ param: { name: 'id', in: 'path' } }) });

/** POST /print, the jobs and the printers: everything is queued durably before the answer. */
const print = requireScope('print');

export function printRoutes(deps: { config: AgentConfig; directory: Directory; jobs: JobStore; printers: Printers }) {
  const app = new OpenAPIHono<SecurityEnv>({ defaultHook: validationHook });
  const { config, directory, jobs, printers } = deps;

  app.openapi(
    createRoute({
      method: 'post',
      path: '/print',
      summary: 'Print a ticket: queued on disk, then printed (202 with the job)',
      middleware: [print] as const,
      request: { headers: idempotencyHeader, body: jsonBody(printRequestSchema) },
      responses: {
        200: jsonContent(jobSchema.extend({ jobs: z.array(jobSchema) }), 'The job this Idempotency-Key already made (nothing printed again)'),
        202: jsonContent(jobSchema.extend({ jobs: z.array(jobSchema).openapi({ description: 'every job made: one per printer when preparation lines name stations' }) }), 'Queued; Location: /api/v1/jobs/{id}'),
        ...errorResponses(400, 401, 403, 409, 413, 415, 422, 503, 507),
      },
    }),
    async (c) => {
      const req = c.req.valid('json');
      if (req.type === 'receipt' && req.openDrawer && !c.get('token').scopes.includes('drawer')) {
        throw new AgentError('forbidden', 'Forbidden', `The token "${c.get('token').name}" may print but not open the cash drawer (scope "drawer").`);
      }
      const key = c.req.valid('header')['idempotency-key'] ?? null;
      const hash = bodyHash(req);
      if (key) {
        const earlier = jobs.byIdempotencyKey(key);
        if (earlier && earlier.bodyHash === hash) {
          c.header('Location', `/api/v1/jobs/${earlier.id}`);
          return c.json({ ...jobOut(earlier), jobs: jobs.withIdempotencyKey(key).map(jobOut) }, 200);
        }
        if (earlier) throw new AgentError('refused', 'Idempotency-Key reused', `The Idempotency-Key "${key}" was used in the last 24 h for another request (job ${earlier.id}); use a new key for a new ticket.`);
      }
      // One ticket per printer: a preparation ticket naming stations is split between their printers
      const tickets = renderRequestAll(req, config, directory);
      const drawer = req.type === 'receipt' && req.openDrawer === true;
      // the tickets' journal writes share one fsync (group commit) rather than wait in turn
      const created = await Promise.all(
        tickets.map((r) => printers.enqueue({ type: req.type, printer: r.printer.id, copies: req.copies, idempotencyKey: key, bodyHash: hash, bytes: r.bytes, drawer })),
      );
      const [job] = created;
      if (!job) throw new Error('a print request made no ticket');
      c.header('Location', `/api/v1/jobs/${job.id}`);
      // The contract's job is the first; every ticket's job follows, for a split preparation ticket
      return c.json({ ...jobOut(job), jobs: created.map(jobOut) }, 202);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/jobs/{id}',
      summary: 'A print job',
      middleware: [print] as const,
      request: { params: jobId },
      responses: { 200: jsonContent(jobSchema, 'The job'), ...errorResponses(401, 403, 404) },
    }),
    (c) => {
      const job = jobs.get(c.req.valid('param').id);
      if (!job) throw notFound('Job', c.req.valid('param').id);
      return c.json(jobOut(job), 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/jobs',
      summary: 'Recent print jobs, newest first',
      middleware: [print] as const,
      request: {
        query: z.object({
          status: z.enum(JOB_STATUSES).optional(),
          limit: z.coerce.number().int().min(1).max(500).default(50),
        }),
      },
      responses: { 200: jsonContent(z.object({ items: z.array(jobSchema) }), 'Jobs'), ...errorResponses(401, 403, 422) },
    }),
    (c) => {
      const q = c.req.valid('query');
      return c.json({ items: jobs.list(q.status ?? null, q.limit).map(jobOut) }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'delete',
      path: '/jobs/{id}',
      summary: 'Cancel a job that has not started printing',
      middleware: [print] as const,
      request: { params: jobId },
      responses: { 200: jsonContent(jobSchema, 'Cancelled'), ...errorResponses(401, 403, 404, 409) },
    }),
    async (c) => {
      const id = c.req.valid('param').id;
      const job = jobs.get(id);
      if (!job) throw notFound('Job', id);
      if (job.status !== 'queued') throw new AgentError('refused', 'Too late to cancel', `Job ${id} is ${job.status}: only a queued job can be cancelled.`);
      return c.json(jobOut(await jobs.update(id, { status: 'cancelled' })), 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/printers',
      summary: 'The printers, their status and queue',
      middleware: [print] as const,
      responses: { 200: jsonContent(z.array(printerSchema), 'Printers'), ...errorResponses(401, 403) },
    }),
    (c) => c.json(printers.list(), 200),
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/printers/{id}/test',
      summary: 'Print a test page (width ruler, code page sample); returns the job',
      middleware: [print] as const,
      request: { params: jobId },
      responses: { 202: jsonContent(jobSchema, 'Queued'), ...errorResponses(401, 403, 404, 503, 507) },
    }),
    async (c) => {
      const id = c.req.valid('param').id;
      const job = await printers.testPage(id);
      if (!job) throw notFound('Printer', id);
      c.header('Location', `/api/v1/jobs/${job.id}`);
      return c.json(jobOut(job), 202);
    },
  );
  return app;
}

/** POST /api/v1/preview: the ticket a print request would give, as HTML drawn from its bytes. */
export function previewRoutes(config: AgentConfig, directory: Directory) {
  const app = new OpenAPIHono<SecurityEnv>({ defaultHook: validationHook });
  app.openapi(
    createRoute({
      method: 'post',
      path: '/',
      summary: 'Preview a ticket: the same body as /print, nothing printed, the paper as HTML',
      middleware: [print] as const,
      request: { body: jsonBody(printRequestSchema) },
      responses: {
        200: { description: 'A picture of the paper (width, bold, sizes, alignment, barcodes), from the bytes that would print', content: { 'text/html': { schema: z.string() } } },
        ...errorResponses(400, 401, 403, 413, 415, 422),
      },
    }),
    (c) => {
      const req = c.req.valid('json');
      const r = renderRequest(req, config, directory);
      return c.html(previewOfBytes(r.bytes, r.printer, `${req.type} — ${r.printer.name}`), 200);
    },
  );
  return app;
}
