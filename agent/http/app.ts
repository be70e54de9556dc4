import { OpenAPIHono } from '@hono/zod-openapi';
import { bodyLimit } from 'hono/body-limit';
import type { AgentConfig } from '../config.js';
import type { Directory } from '../directory/directory.js';
import type { EventBus, EventLog } from '../events.js';
import type { Logger } from '../log.js';
import type { ScanService } from '../scans/scan-service.js';
import type { Scanners } from '../scans/scanners.js';
import type { JobStore } from '../printing/jobs.js';
import type { Printers } from '../printing/printers.js';
import { webRoutes } from '../../web/routes.js';
import { errorHandler, problemResponse } from './problem.js';
import { strictJson } from './text.js';
import { clientRoutes } from './routes/clients.js';
import { eventRoutes } from './routes/events.js';
import { groupRoutes } from './routes/groups.js';
import { healthRoutes } from './routes/health.js';
import { scanRoutes } from './routes/scans.js';
import { syncRoutes } from './routes/sync.js';
import type { Sync } from '../sync/sync.js';
import type { SyncIssues } from '../sync/issues.js';
import { previewRoutes, printRoutes } from './routes/print.js';
import { type ApiToken, bearerAuth, hostCheck, originCheck, type SecurityEnv } from './security.js';

export const MAX_BODY_BYTES = 256 * 1024;

export interface AppDeps {
  config: AgentConfig;
  directory: Directory;
  scans: ScanService;
  scanners: Scanners;
  jobs: JobStore;
  printers: Printers;
  /** Null when the agent runs standalone. */
  sync: Sync | null;
  syncIssues: SyncIssues;
  storeDir: string;
  /** This agent's id (made on first start, kept in store.dir), shown on the settings page. */
  agentId: string;
  bus: EventBus;
  /** the streamed events, numbered and kept for a reconnecting stream */
  events: EventLog;
  tokens: readonly ApiToken[];
  version: string;
  log: Logger;
  /** Aborted when the agent shuts down: long-lived streams end with it. */
  closing: AbortSignal;
}

/** Assembles the HTTP app: security middleware first, for every route, then one sub-app per resource. */
export function createApp(deps: AppDeps) {
  const app = new OpenAPIHono();
  app.onError(errorHandler(deps.log));
  app.notFound((c) =>
    problemResponse(c, 404, `Nothing at ${c.req.method} ${c.req.path}. The till API is under /api/v1 (described at /api/v1/openapi.json).`),
  );

  app.use('*', hostCheck(deps.config.http.allowedHosts));
  const limitBody = bodyLimit({
      maxSize: MAX_BODY_BYTES,
      onError: (c) => {
        // The unread rest of the body would otherwise poison the kept-alive connection.
        c.header('Connection', 'close');
        return problemResponse(c, 413, `The request body is over ${MAX_BODY_BYTES / 1024} KiB; send less at a time.`);
      },
  });
  // Only where a body is read: checking a GET's (absent) body costs ~0.06 ms per request.
  app.use('*', (c, next) => (c.req.method === 'GET' || c.req.method === 'HEAD' || c.req.method === 'OPTIONS' ? next() : limitBody(c, next)));
  app.use('*', originCheck(deps.config.http.allowedOrigins));
  app.use('/api/v1/*', strictJson());

  app.route('/healthz', healthRoutes(deps.version));

  const api = new OpenAPIHono<SecurityEnv>();
  api.use('*', bearerAuth(deps.tokens, ['/api/v1/events']));
  api.route('/clients', clientRoutes(deps.directory));
  api.route('/groups', groupRoutes(deps.directory));
  api.route('/scans', scanRoutes(deps.scans));
  api.route('/preview', previewRoutes(deps.config, deps.directory));
  api.route('/', printRoutes(deps));
  api.route('/sync', syncRoutes(deps.sync, deps.syncIssues));
  api.route('/events', eventRoutes(deps.events, deps.closing, deps.log));
  api.openAPIRegistry.registerComponent('securitySchemes', 'bearer', { type: 'http', scheme: 'bearer' });
  api.doc31('/openapi.json', {
    openapi: '3.1.0',
    info: {
      title: 'Shop agent — till API',
      version: deps.version,
      description: 'The HTTP API the till software uses (agent-api.md). Every request needs a bearer token.',
    },
    servers: [{ url: '/api/v1' }],
    security: [{ bearer: [] }],
  });
  app.route('/api/v1', api);

  app.route('/', webRoutes(deps));
  return app;
}

export type AgentApp = ReturnType<typeof createApp>;
