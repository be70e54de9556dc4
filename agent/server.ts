import { OpenAPIHono } from '@hono/zod-openapi';
import { bodyLimit } from 'hono/body-limit';
import { webRoutes } from '../web/app.js';
import { webNotFound } from '../web/error-pages.js';
import { apiRoutes, isApiPath } from './http/app.js';
import { IMPORT_MAX_BYTES, IMPORT_PATH } from './http/routes/clients-csv.js';
import { STAFF_IMPORT_MAX_BYTES, STAFF_IMPORT_PATH } from '../web/routes/import.js';
import { apiNotFound, errorHandler, problemResponse } from './problem.js';
import { hostCheck, originCheck } from './http/security.js';
import type { Services } from './services.js';

const MAX_BODY_BYTES = 256 * 1024;

/**
 * The agent's one HTTP app: the Host, body size and Origin checks for every request, then the
 * till's API and the staff pages side by side. It is the only module that knows both.
 */
export function createServerApp(services: Services) {
  const { config, log } = services;
  const app = new OpenAPIHono();
  app.onError(errorHandler(log));
  app.notFound((c) => (isApiPath(c.req.path) ? apiNotFound(c) : webNotFound(c)));

  app.use('*', hostCheck(config.http.allowedHosts));
  const limit = (maxSize: number, detail: string) =>
    bodyLimit({
      maxSize,
      onError: (c) => {
        // The unread rest of the body would otherwise poison the kept-alive connection.
        c.header('Connection', 'close');
        return problemResponse(c, 413, detail);
      },
    });
  const limitBody = limit(MAX_BODY_BYTES, `The request body is over ${MAX_BODY_BYTES / 1024} KiB; send less at a time.`);
  // A CSV import is a whole file: its two paths (the API's, the staff page's upload) take more.
  const MB = 1024 * 1024;
  const largeBodies = new Map([
    [IMPORT_PATH, limit(IMPORT_MAX_BYTES, `The file is over ${IMPORT_MAX_BYTES / MB} MB; split it into smaller files and import them one after the other.`)],
    [STAFF_IMPORT_PATH, limit(STAFF_IMPORT_MAX_BYTES, `The file is over ${STAFF_IMPORT_MAX_BYTES / MB} MB; split it into smaller files and import them one after the other.`)],
  ]);
  // Only where a body is read: checking a GET's (absent) body costs ~0.06 ms per request.
  app.use('*', (c, next) => {
    if (c.req.method === 'GET' || c.req.method === 'HEAD' || c.req.method === 'OPTIONS') return next();
    return (largeBodies.get(c.req.path) ?? limitBody)(c, next);
  });
  app.use('*', originCheck(config.http.allowedOrigins));

  const api = apiRoutes(services);
  app.route('/', api.routes);
  app.route('/', webRoutes(services, { apiDocument: api.document }));
  return app;
}

export type ServerApp = ReturnType<typeof createServerApp>;
