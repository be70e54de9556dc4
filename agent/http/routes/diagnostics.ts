import { OpenAPIHono, createRoute, z } from '@hono/zod-openapi';
import { diagnosticsHeaders, type DiagnosticsArchive } from '../../diagnostics/archive.js';
import { requireScope, type SecurityEnv } from '../security.js';
import { validationHook } from '../validation.js';
import { downloadHeaders, errorResponses } from './common.js';

/** GET /api/v1/diagnostics: the archive support asks for (docs/diagnose.md), for an admin token. */
export function diagnosticsRoutes(archive: () => Promise<DiagnosticsArchive>) {
  const app = new OpenAPIHono<SecurityEnv>({ defaultHook: validationHook });
  app.openapi(
    createRoute({
      method: 'get',
      path: '/',
      operationId: 'getDiagnostics',
      tags: ['support'],
      summary: 'The diagnostics archive for support',
      description:
        'One .tar.gz (docs/diagnose.md): summary.txt, the config with every secret replaced by "<removed>", the store check, the printers\' and scanners\' states, ' +
        'the sync state, the last failed jobs, the last warnings and errors, the versions, and the newest log files (up to 10 MB). No token, PIN or personal data of ' +
        'a client is in it. Needs the admin scope. The same archive is on the settings page, and `npm run diagnose` asks for it.',
      middleware: [requireScope('admin')] as const,
      responses: {
        200: {
          description: 'The archive',
          headers: downloadHeaders('the time it was made', 'shop-agent-diagnostics-2026-12-04T10-15-00Z.tar.gz'),
          content: { 'application/gzip': { schema: z.string().openapi({ format: 'binary', description: 'a gzip-compressed tar archive' }) } },
        },
        ...errorResponses(),
      },
    }),
    async (c) => {
      const made = await archive();
      return c.body(new Uint8Array(made.bytes), 200, diagnosticsHeaders(made));
    },
  );
  return app;
}
