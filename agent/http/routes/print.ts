import { OpenAPIHono, createRoute, z } from '@hono/zod-openapi';
import type { AgentConfig } from '../../config.js';
import type { Directory } from '../../directory/directory.js';
import { renderRequest } from '../../printing/render.js';
import { printRequestSchema } from '../../printing/schema.js';
import { decode } from '../../../drivers/printer/decode.js';
import { previewHtml } from '../../../drivers/printer/preview.js';
import { validationHook } from '../problem.js';
import { requireScope, type SecurityEnv } from '../security.js';
import { errorResponses, jsonBody } from './common.js';

/** POST /api/v1/preview: the ticket a print request would give, as HTML drawn from its bytes. */
export function previewRoutes(config: AgentConfig, directory: Directory) {
  const app = new OpenAPIHono<SecurityEnv>({ defaultHook: validationHook });
  app.openapi(
    createRoute({
      method: 'post',
      path: '/',
      summary: 'Preview a ticket: the same body as /print, nothing printed, the paper as HTML',
      middleware: [requireScope('print')] as const,
      request: { body: jsonBody(printRequestSchema) },
      responses: {
        200: { description: 'A picture of the paper (width, bold, sizes, alignment, barcodes), from the bytes that would print', content: { 'text/html': { schema: z.string() } } },
        ...errorResponses(400, 401, 403, 413, 415, 422),
      },
    }),
    (c) => {
      const req = c.req.valid('json');
      const r = renderRequest(req, config, directory);
      return c.html(previewHtml(decode(r.bytes, r.printer.model), r.printer.width, `${req.type} — ${r.printer.name}`), 200);
    },
  );
  return app;
}
