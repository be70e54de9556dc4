import { OpenAPIHono, createRoute, z } from '@hono/zod-openapi';
import { clientOutSchema } from '../../directory/schema.js';
import { SCAN_CODE_MAX, type ScanService } from '../../scans/scan-service.js';
import { validationHook } from '../validation.js';
import { requireScope, type SecurityEnv } from '../security.js';
import { errorResponses, jsonBody, jsonContent } from './common.js';
import { clientExample } from './examples.js';

const scanInput = z
  .object({
    // Room for control characters and spaces the agent strips; the cleaned code is checked again.
    code: z.string().min(1).max(SCAN_CODE_MAX * 2).openapi({ description: 'what the scanner read (control characters and spaces around it are removed)', example: '7612345000015' }),
    device: z.string().trim().min(1).max(64).default('api').openapi({ example: 'keyboard', description: 'who read it; default "api"' }),
  })
  .openapi('ScanInput', { description: 'A code, as if a scanner had read it.' });

export const scanOutput = z
  .object({
    code: z.string().openapi({ description: 'the code, cleaned', example: '7612345000015' }),
    device: z.string().openapi({ description: 'the scanner (or "api")', example: 'keyboard' }),
    at: z.string().openapi({ format: 'date-time', description: 'when it was read (ISO 8601, UTC)' }),
    // a union, not .nullable(): the document generator drops the null of a nullable component
    client: z.union([clientOutSchema, z.null()]).openapi({ description: 'the client whose reference the code is, or null' }),
    duplicate: z.boolean().openapi({ description: 'the same code from the same device within 500 ms: no event was sent' }),
  })
  .openapi('Scan', { description: 'A scan and the client whose reference it is (client: null when none is).' });

/** POST /api/v1/scans: a scan as if a scanner had read it (keyboard-wedge scanners, tests). */
export function scanRoutes(scans: ScanService) {
  const app = new OpenAPIHono<SecurityEnv>({ defaultHook: validationHook });
  app.openapi(
    createRoute({
      method: 'post',
      path: '/',
      operationId: 'injectScan',
      tags: ['scans'],
      summary: 'Inject a scan: looked up by reference and sent as a `scan` event',
      description:
        'For keyboard-wedge scanners read by the browser, and for tests: the code gets the same cleaning, lookup and `scan` event as one from a scanner. ' +
        'The same code from the same device within 500 ms is dropped (`duplicate: true`, no event).',
      middleware: [requireScope('directory:read')] as const,
      request: { body: jsonBody(scanInput, { code: '7612345000015', device: 'keyboard' }) },
      responses: {
        200: jsonContent(scanOutput, 'The scan and the client found, or null', { code: '7612345000015', device: 'keyboard', at: '2026-11-27T09:15:02.031Z', client: clientExample, duplicate: false }),
        ...errorResponses(400, 413, 415, 422),
      },
    }),
    (c) => {
      const { code, device } = c.req.valid('json');
      return c.json(scans.scan(code, device), 200);
    },
  );
  return app;
}
