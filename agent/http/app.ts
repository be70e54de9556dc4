import { OpenAPIHono } from '@hono/zod-openapi';
import { agentDiagnostics } from '../diagnostics/from-agent.js';
import type { Services } from '../services.js';
import { errorHandler } from '../problem.js';
import { strictJson } from './text.js';
import { clientRoutes } from './routes/clients.js';
import { clientCareRoutes, duplicateRoutes } from './routes/clients-care.js';
import { clientCsvRoutes } from './routes/clients-csv.js';
import { diagnosticsRoutes } from './routes/diagnostics.js';
import { eventRoutes } from './routes/events.js';
import { groupRoutes } from './routes/groups.js';
import { healthRoutes } from './routes/health.js';
import { scanRoutes } from './routes/scans.js';
import { syncRoutes } from './routes/sync.js';
import { previewRoutes, printRoutes } from './routes/print.js';
import { bearerAuth, type SecurityEnv } from './security.js';

/**
 * The till's API alone: /healthz and /api/v1 (strict JSON bodies, bearer tokens, one sub-app per
 * resource). The server module puts the Host, body size and Origin checks in front of it.
 */
export function apiRoutes(services: Services) {
  const app = new OpenAPIHono();
  app.onError(errorHandler(services.log));
  app.use('/api/v1/*', strictJson());
  app.route('/healthz', healthRoutes(services.version));

  const api = new OpenAPIHono<SecurityEnv>();
  api.use('*', bearerAuth(services.tokens, ['/api/v1/events']));
  api.route('/clients', clientCsvRoutes(services.directory)); // before /clients/{id}: export.csv is no id
  api.route('/clients', clientCareRoutes(services.care, services.directory)); // before /clients/{id}
  api.route('/clients', clientRoutes(services.directory));
  api.route('/duplicates', duplicateRoutes(services.directory));
  api.route('/groups', groupRoutes(services.directory));
  api.route('/scans', scanRoutes(services.scans));
  api.route('/preview', previewRoutes(services.print));
  api.route('/', printRoutes(services.print, services.printers));
  api.route('/sync', syncRoutes(services.sync, services.syncIssues));
  api.route('/diagnostics', diagnosticsRoutes(() => agentDiagnostics(services)));
  api.route('/events', eventRoutes(services.events, services.closing, services.log));
  api.openAPIRegistry.registerComponent('securitySchemes', 'bearer', { type: 'http', scheme: 'bearer' });
  api.doc31('/openapi.json', {
    openapi: '3.1.0',
    info: {
      title: 'Shop agent — till API',
      version: services.version,
      description: 'The HTTP API the till software uses (agent-api.md). Every request needs a bearer token.',
    },
    servers: [{ url: '/api/v1' }],
    security: [{ bearer: [] }],
  });
  app.route('/api/v1', api);
  return app;
}

/** Where the API answers (and its problem+json errors apply). */
export const isApiPath = (path: string): boolean => path === '/healthz' || path.startsWith('/api/');
