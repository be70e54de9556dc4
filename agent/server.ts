import { OpenAPIHono } from '@hono/zod-openapi';
import { bodyLimit } from 'hono/body-limit';
import { webRoutes } from '../web/app.js';
import { webNotFound } from '../web/error-pages.js';
import { apiRoutes, isApiPath } from './http/app.js';
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
  app.use('*', originCheck(config.http.allowedOrigins));

  app.route('/', apiRoutes(services));
  app.route('/', webRoutes(services));
  return app;
}

export type ServerApp = ReturnType<typeof createServerApp>;
