import { OpenAPIHono, createRoute, z } from '@hono/zod-openapi';
import type { SyncIssues } from '../../sync/issues.js';
import { syncIssueSchema } from '../../sync/records.js';
import { CLOUD_PROBLEM_CODES, SYNC_STATES, type SyncStatus, syncStatusOf } from '../../sync/status.js';
import type { Sync } from '../../sync/sync.js';
import { validationHook } from '../validation.js';
import { requireScope, type SecurityEnv } from '../security.js';
import { errorResponses, idParam, jsonContent } from './common.js';

export const statusSchema = z
  .object({
    state: z.enum(SYNC_STATES).describe('idle (up to date or standalone), syncing, offline (the cloud cannot be reached), error (it answered an error)'),
    pending: z.number().int().describe('local edits waiting for the cloud (outbox size)'),
    lastSyncAt: z.string().nullable().openapi({ format: 'date-time', description: 'the last successful sync (ISO 8601, UTC), or null' }),
    enabled: z.boolean().describe('false when the agent runs standalone ("cloud": null)'),
    url: z.string().nullable().describe("the cloud's URL, or null"),
    reason: z.string().nullable().describe('why the state is offline or error'),
    problem: z.enum(CLOUD_PROBLEM_CODES).nullable().describe('what kind of problem, for saying it in your language (local: this PC could not save what the cloud sent)'),
    stopped: z.boolean().describe('sync stopped until the config changes (the cloud refused the token)'),
    progress: z
      .object({ received: z.number().int().describe('records received so far'), estimated: z.number().int().nullable().describe('the total, when the cloud says') })
      .nullable()
      .describe('a full pull under way, or null'),
    nextAttemptAt: z.string().nullable().openapi({ format: 'date-time', description: 'when the agent tries again after a failure, or null' }),
    issues: z.number().int().describe('conflicts and refused edits not dismissed'),
  })
  .openapi('SyncStatus', { description: "The cloud sync's state (the `sync` event carries the same)." });

export const syncStatusExample = {
  state: 'idle',
  pending: 0,
  lastSyncAt: '2026-11-27T09:14:30.000Z',
  enabled: true,
  url: 'https://cloud.example/api',
  reason: null,
  problem: null,
  stopped: false,
  progress: null,
  nextAttemptAt: null,
  issues: 0,
};

const issueSchema = syncIssueSchema.openapi('SyncIssue', { description: 'Something staff must see and decide on.' });
const issueIdParam = z.object({ id: idParam.shape.id.openapi({ description: 'the issue id', example: 'b8a7c3e2-5d4f-4a1b-9c8d-7e6f5a4b3c2d' }) });
const issueExample = {
  id: 'b8a7c3e2-5d4f-4a1b-9c8d-7e6f5a4b3c2d',
  kind: 'conflict',
  entity: 'client',
  recordId: '3f0c9a52-1b7e-4c61-9a43-2d5e8f7b6a10',
  label: 'Hélène Müller',
  op: 'update',
  at: '2026-11-27T09:14:30.000Z',
  fields: [{ path: 'phone', shop: '+41 79 555 00 13', cloud: '+41 79 555 00 12' }],
  record: null,
  code: null,
  message: null,
};

const read = requireScope('directory:read');
const write = requireScope('directory:write');

/** The sync's state, "sync now", and the conflicts and refused edits staff settle. */
export function syncRoutes(sync: Sync | null, issues: SyncIssues) {
  const app = new OpenAPIHono<SecurityEnv>({ defaultHook: validationHook });
  const status = (): SyncStatus => syncStatusOf(sync);

  app.openapi(
    createRoute({
      method: 'get',
      path: '/',
      operationId: 'getSyncStatus',
      tags: ['sync'],
      summary: 'Sync state, outbox size, last successful sync',
      description: 'The same as the last `sync` event. An agent without a cloud answers idle, enabled false.',
      middleware: [read] as const,
      responses: { 200: jsonContent(statusSchema, 'The sync status', syncStatusExample), ...errorResponses() },
    }),
    (c) => c.json(status(), 200),
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/run',
      operationId: 'runSync',
      tags: ['sync'],
      summary: 'Sync now (also retries once after a refused token)',
      description: 'Starts a push and pull at once instead of waiting for the next round; answers at once with the status. Follow the `sync` events.',
      middleware: [write] as const,
      responses: { 202: jsonContent(statusSchema, 'Started; follow `sync` events', { ...syncStatusExample, state: 'syncing' }), ...errorResponses() },
    }),
    (c) => {
      void sync?.syncNow();
      return c.json(status(), 202);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/issues',
      operationId: 'listSyncIssues',
      tags: ['sync'],
      summary: 'Conflicts kept and edits the cloud refused, newest first',
      description: 'What the sync could not settle alone: staff re-apply the shop\'s side or dismiss each one.',
      middleware: [read] as const,
      responses: {
        200: jsonContent(z.object({ items: z.array(issueSchema).openapi({ description: 'newest first' }) }).openapi('SyncIssueList'), 'The issues', { items: [issueExample] }),
        ...errorResponses(),
      },
    }),
    (c) => c.json({ items: issues.list() }, 200),
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/issues/{id}/reapply',
      operationId: 'reapplySyncIssue',
      tags: ['sync'],
      summary: "Re-apply the shop's side as a new edit, and close the issue",
      description: "The shop's values become a new edit (pushed like any other). 409 when the record exists again; 422 when the shop's values break a rule now.",
      middleware: [write] as const,
      request: { params: issueIdParam },
      responses: { 204: { description: 'Re-applied' }, ...errorResponses(404, 409, 422, 503, 507) },
    }),
    async (c) => {
      await issues.reapply(c.req.valid('param').id);
      return c.body(null, 204);
    },
  );

  app.openapi(
    createRoute({
      method: 'delete',
      path: '/issues/{id}',
      operationId: 'dismissSyncIssue',
      tags: ['sync'],
      summary: "Dismiss an issue (the cloud's state stays)",
      description: "Closes the issue without changing anything: the cloud's state stays.",
      middleware: [write] as const,
      request: { params: issueIdParam },
      responses: { 204: { description: 'Dismissed' }, ...errorResponses(404, 503, 507) },
    }),
    async (c) => {
      await issues.dismiss(c.req.valid('param').id);
      return c.body(null, 204);
    },
  );

  return app;
}
