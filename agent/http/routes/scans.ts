import { OpenAPIHono, createRoute, z } from '@hono/zod-openapi';
import { clientOutSchema } from '../../directory/schema.js';
import { SCAN_CODE_MAX, type ScanService } from '../../scans/scan-service.js';
import { validationHook } from '../validation.js';
import { requireScope, type SecurityEnv } from '../security.js';
import { errorResponses, jsonBody, jsonContent } from './common.js';

const scanInput = z
  .object({
    // Room for control characters and spaces the agent strips; the cleaned code is checked again.
    code: z.string().min(1).max(SCAN_CODE_MAX * 2).openapi({ example: '7612345000015' }),
    device: z.string().trim().min(1).max(64).default('api').openapi({ example: 'keyboard', description: 'who read it; default "api"' }),
  })
  .openapi('ScanInput');

const scanOutput = z
  .object({
    code: z.string(),
    device: z.string(),
    at: z.string(),
    client: clientOutSchema.nullable(),
    duplicate: z.boolean().openapi({ description: 'the same code from the same device within 500 ms: no event was sent' }),
  })
  .openapi('Scan');

/** POST /api/v1/scans: a scan as if a scanner had read it (keyboard-wedge scanners, tests). */
export function scanRoutes(scans: ScanService) {
  const app = new OpenAPIHono<SecurityEnv>({ defaultHook: validationHook });
  app.openapi(
    createRoute({
      method: 'post',
      path: '/',
      summary: 'Inject a scan: looked up by reference and sent as a `scan` event',
      middleware: [requireScope('directory:read')] as const,
      request: { body: jsonBody(scanInput) },
      responses: { 200: jsonContent(scanOutput, 'The scan and the client found, or null'), ...errorResponses(400, 401, 403, 413, 415, 422) },
    }),
    (c) => {
      const { code, device } = c.req.valid('json');
      return c.json(scans.scan(code, device), 200);
    },
  );
  return app;
}
