import { OpenAPIHono, z } from '@hono/zod-openapi';
import { agentDiagnostics } from '../diagnostics/from-agent.js';

type OpenAPIRegistry = OpenAPIHono['openAPIRegistry'];
import type { Services } from '../services.js';
import { errorHandler } from '../problem.js';
import { strictJson } from './text.js';
import { clientRoutes } from './routes/clients.js';
import { clientCareRoutes, duplicateRoutes } from './routes/clients-care.js';
import { clientCsvRoutes } from './routes/clients-csv.js';
import { errorResponses, problemResponse, TAGS } from './routes/common.js';
import { diagnosticsRoutes } from './routes/diagnostics.js';
import { eventRoutes, registerEventsDoc } from './routes/events.js';
import { groupRoutes } from './routes/groups.js';
import { healthRoutes } from './routes/health.js';
import { scanRoutes } from './routes/scans.js';
import { syncRoutes } from './routes/sync.js';
import { previewRoutes, printRoutes } from './routes/print.js';
import { bearerAuth, type SecurityEnv } from './security.js';

/** The browsable API reference (a staff page, under the API's prefix). */
export const API_DOCS_PATH = '/api/v1/docs';

/** The OpenAPI document, as GET /api/v1/openapi.json serves it (and the browsable reference shows it). */
export type OpenApiDocument = ReturnType<OpenAPIHono['getOpenAPI31Document']>;

/**
 * The till's API alone: /healthz and /api/v1 (strict JSON bodies, bearer tokens, one sub-app per
 * resource). The server module puts the Host, body size and Origin checks in front of it.
 * `document()` is the OpenAPI description of it all, built once from the routes' own zod schemas.
 */
export function apiRoutes(services: Services): { routes: OpenAPIHono; document: () => OpenApiDocument } {
  const app = new OpenAPIHono();
  app.onError(errorHandler(services.log));
  app.use('/api/v1/*', strictJson());
  app.route('/healthz', healthRoutes(services.version));

  const api = new OpenAPIHono<SecurityEnv>();
  // The browsable reference is a staff page: its own routes (web/routes/api-docs.tsx) ask for the staff session instead.
  api.use('*', bearerAuth(services.tokens, ['/api/v1/events'], [API_DOCS_PATH]));
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
  registerEventsDoc(api.openAPIRegistry);
  api.openAPIRegistry.registerComponent('securitySchemes', 'bearer', {
    type: 'http',
    scheme: 'bearer',
    description: 'A token of api.tokens in agent.config.json (or, when that list is empty, of secrets.json in the store folder): `Authorization: Bearer <token>`.',
  });
  api.openAPIRegistry.registerComponent('securitySchemes', 'queryToken', {
    type: 'apiKey',
    in: 'query',
    name: 'token',
    description: 'The same token as `?token=`: for GET /events only (EventSource cannot send headers).',
  });
  registerDocumentPath(api.openAPIRegistry);

  let doc: OpenApiDocument | null = null;
  const document = (): OpenApiDocument => (doc ??= withHealth(api.getOpenAPI31Document(documentConfig(services.version)), services.version));
  api.get('/openapi.json', (c) => c.json(document()));
  app.route('/api/v1', api);
  return { routes: app, document };
}

function documentConfig(version: string) {
  return {
    openapi: '3.1.0',
    info: {
      title: 'Shop agent — till API',
      version,
      description:
        'The HTTP API the till software uses (agent-api.md) to print tickets, read and edit the client directory, and follow scans and printers live. ' +
        'Every request needs a bearer token (`Authorization: Bearer <token>`); a token may be limited to scopes (print, drawer, directory:read, ' +
        'directory:write, admin): outside them, 403. Amounts are integers in centimes (1250 is 12.50). Every error is application/problem+json ' +
        '(RFC 9457), a 422 listing every offending field. The integrators\' guide is docs/api.md; a browsable copy of this document is at /api/v1/docs.',
      contact: { name: 'Shop agent', url: 'https://shop-agent.local/docs/api' },
    },
    servers: [{ url: '/api/v1', description: 'this agent (http://127.0.0.1:8410 by default)' }],
    security: [{ bearer: [] }],
    tags: TAGS.map((t) => ({ ...t })),
  };
}

/** GET /openapi.json itself, so the document describes its own address. */
function registerDocumentPath(registry: OpenAPIRegistry): void {
  registry.registerPath({
    method: 'get',
    path: '/openapi.json',
    operationId: 'getOpenApiDocument',
    tags: ['meta'],
    summary: 'This document (OpenAPI 3.1)',
    description: 'Generate a typed client from it (docs/api.md shows how with openapi-typescript); staff can browse it at /api/v1/docs.',
    responses: {
      200: { description: 'The OpenAPI 3.1 document', content: { 'application/json': { schema: z.object({ openapi: z.string().openapi({ description: 'the OpenAPI version', example: '3.1.0' }) }).passthrough().openapi({ description: 'an OpenAPI 3.1 document' }), example: { openapi: '3.1.0' } } } },
      ...errorResponses(),
    },
  });
}

/** /healthz is outside /api/v1 and needs no token: added with its own server. */
function withHealth(doc: OpenApiDocument, version: string): OpenApiDocument {
  const problem = problemResponse(421);
  return {
    ...doc,
    tags: [...(doc.tags ?? []), { name: 'health', description: 'Is the agent up? For monitoring: no token (the Host check still applies).' }],
    paths: {
      ...doc.paths,
      '/healthz': {
        servers: [{ url: '/', description: 'the agent itself' }],
        get: {
          operationId: 'getHealth',
          tags: ['health'],
          summary: 'Is the agent up?',
          description: 'Answers as soon as the agent serves requests; no token needed.',
          security: [],
          responses: {
            200: {
              description: 'Up',
              content: {
                'application/json': {
                  schema: {
                    type: 'object',
                    required: ['status', 'version'],
                    properties: {
                      status: { type: 'string', enum: ['ok'], description: 'always ok' },
                      version: { type: 'string', description: "the agent's version", example: version },
                    },
                  },
                  example: { status: 'ok', version },
                },
              },
            },
            421: { ...problem, content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' }, example: problem.content['application/problem+json'].example } } },
          },
        },
      },
    },
  };
}

/** Where the API answers (and its problem+json errors apply). */
export const isApiPath = (path: string): boolean => path === '/healthz' || path.startsWith('/api/');
