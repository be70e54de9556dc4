import { OpenAPIHono, createRoute, z } from '@hono/zod-openapi';
import { CONFIRMATIONS, PRINTER_STATES } from '../../../drivers/printer/transport.js';
import { PRINTER_ROLES, PRINTER_TRANSPORTS } from '../../config.js';
import { JOB_STATUSES, JOB_TYPES, PRINTER_STATUSES } from '../../printing/model.js';
import type { PrintService } from '../../printing/print-service.js';
import type { Printers } from '../../printing/printers.js';
import { printRequestSchema } from '../../printing/schema.js';
import { validationHook } from '../validation.js';
import { requireScope, type SecurityEnv } from '../security.js';
import { errorResponses, idParam, jsonBody, jsonContent } from './common.js';

const jobSchema = z
  .object({
    id: z.string(),
    status: z.enum(JOB_STATUSES).openapi({ description: 'queued → printing → done (confirmed by the printer), or failed, or cancelled' }),
    type: z.enum(JOB_TYPES),
    printer: z.string(),
    attempts: z.number().int(),
    error: z.string().nullable(),
    createdAt: z.string(),
    updatedAt: z.string(),
    copies: z.number().int(),
    reprint: z.boolean().openapi({ description: 'printed again: the agent stopped while it was printing' }),
    reprintOf: z.string().nullable().openapi({ description: 'staff printed this job again from the printers page: the job it copies' }),
    drawer: z.boolean().openapi({ description: 'the ticket opens the cash drawer' }),
    warnings: z.array(z.string()).openapi({ description: 'what could not print as asked: a barcode too long for the paper printed as a QR code or as text' }),
    confirmed: z.enum(CONFIRMATIONS).nullable().openapi({
      description: 'how a done job was confirmed: "printed" (the printer said it printed it), "received" (the printer acknowledged every byte), "sent" (one-way link: every byte written and the connection closed cleanly); null until done',
    }),
  })
  .openapi('Job');

const printerSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    roles: z.array(z.enum(PRINTER_ROLES)),
    transport: z.enum(PRINTER_TRANSPORTS),
    status: z.enum(PRINTER_STATUSES).openapi({ description: 'busy: serving another host (a printer shared by tills); stalled: stopped taking bytes and answering, paper and cover fine' }),
    detail: z.enum(PRINTER_STATES).openapi({ description: 'finer than status: paper-near-end (still prints) shows as online' }),
    queued: z.number().int(),
  })
  .openapi('Printer');

const idempotencyHeader = z.object({
  'idempotency-key': z.string().min(1).max(128).optional().openapi({ description: 'the same key and body within 24 h: 200 and the same job, nothing printed again' }),
});

/** POST /print, the jobs and the printers: everything is queued durably before the answer. */
const print = requireScope('print');

export function printRoutes(service: PrintService, printers: Printers) {
  const app = new OpenAPIHono<SecurityEnv>({ defaultHook: validationHook });

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
      summary: 'A print job',
      middleware: [print] as const,
      request: { params: idParam },
      responses: { 200: jsonContent(jobSchema, 'The job'), ...errorResponses(401, 403, 404) },
    }),
    (c) => c.json(service.job(c.req.valid('param').id), 200),
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
      return c.json({ items: service.list(q.status ?? null, q.limit) }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'delete',
      path: '/jobs/{id}',
      summary: 'Cancel a job that has not started printing',
      middleware: [print] as const,
      request: { params: idParam },
      responses: { 200: jsonContent(jobSchema, 'Cancelled'), ...errorResponses(401, 403, 404, 409) },
    }),
    async (c) => c.json(await service.cancel(c.req.valid('param').id), 200),
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
      request: { params: idParam },
      responses: { 202: jsonContent(jobSchema, 'Queued'), ...errorResponses(401, 403, 404, 503, 507) },
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
      summary: 'Preview a ticket: the same body as /print, nothing printed, the paper as HTML',
      middleware: [print] as const,
      request: { body: jsonBody(printRequestSchema) },
      responses: {
        200: { description: 'A picture of the paper (width, bold, sizes, alignment, barcodes), from the bytes that would print', content: { 'text/html': { schema: z.string() } } },
        ...errorResponses(400, 401, 403, 413, 415, 422),
      },
    }),
    (c) => c.html(service.preview(c.req.valid('json')), 200),
  );
  return app;
}
