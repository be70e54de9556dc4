import { OpenAPIHono, createRoute, z } from '@hono/zod-openapi';
import type { SyncIssues } from '../../sync/issues.js';
import { syncIssueSchema } from '../../sync/records.js';
import { CLOUD_PROBLEM_CODES, SYNC_STATES, type SyncStatus, syncStatusOf } from '../../sync/status.js';
import type { Sync } from '../../sync/sync.js';
import { validationHook } from '../validation.js';
import { requireScope, type SecurityEnv } from '../security.js';
import { errorResponses, idParam, jsonContent } from './common.js';

const statusSchema = z
  .object({
    state: z.enum(SYNC_STATES),
    pending: z.number().int().describe('local edits waiting for the cloud (outbox size)'),
    lastSyncAt: z.string().nullable(),
    enabled: z.boolean().describe('false when the agent runs standalone ("cloud": null)'),
    url: z.string().nullable(),
    reason: z.string().nullable().describe('why the state is offline or error'),
    problem: z.enum(CLOUD_PROBLEM_CODES).nullable(),
    stopped: z.boolean().describe('sync stopped until the config changes (the cloud refused the token)'),
    progress: z.object({ received: z.number().int(), estimated: z.number().int().nullable() }).nullable(),
    nextAttemptAt: z.string().nullable(),
    issues: z.number().int().describe('conflicts and refused edits not dismissed'),
  })
  .openapi('SyncStatus');

const issueSchema = syncIssueSchema.openapi('SyncIssue');

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
      summary: 'Sync state, outbox size, last successful sync',
      middleware: [read] as const,
      responses: { 200: jsonContent(statusSchema, 'The sync status'), ...errorResponses(401, 403) },
    }),
    (c) => c.json(status(), 200),
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/run',
      summary: 'Sync now (also retries once after a refused token)',
      middleware: [write] as const,
      responses: { 202: jsonContent(statusSchema, 'Started; follow `sync` events'), ...errorResponses(401, 403) },
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
      summary: 'Conflicts kept and edits the cloud refused, newest first',
      middleware: [read] as const,
      responses: { 200: jsonContent(z.object({ items: z.array(issueSchema) }), 'The issues'), ...errorResponses(401, 403) },
    }),
    (c) => c.json({ items: issues.list() }, 200),
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/issues/{id}/reapply',
      summary: "Re-apply the shop's side as a new edit, and close the issue",
      middleware: [write] as const,
      request: { params: idParam },
      responses: { 204: { description: 'Re-applied' }, ...errorResponses(401, 403, 404, 409, 422, 503, 507) },
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
      summary: "Dismiss an issue (the cloud's state stays)",
      middleware: [write] as const,
      request: { params: idParam },
      responses: { 204: { description: 'Dismissed' }, ...errorResponses(401, 403, 404, 503, 507) },
    }),
    async (c) => {
      await issues.dismiss(c.req.valid('param').id);
      return c.body(null, 204);
    },
  );

  return app;
}
