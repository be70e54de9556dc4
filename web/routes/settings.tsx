import { Hono } from 'hono';
import { diagnosticsHeaders, type DiagnosticsArchive } from '../../agent/diagnostics/archive.js';
import type { Services } from '../../agent/services.js';
import { problemResponse } from '../../agent/problem.js';
import type { PageDeps } from '../page-context.js';
import { ScannersPanel, SettingsPage } from '../pages/settings.js';

/** /settings: what an installer needs to connect the till, and the state of each part. */
export function settingsPages(
  deps: Pick<Services, 'version' | 'agentId' | 'tokens' | 'config' | 'scanners' | 'printers'> & PageDeps & { diagnostics: () => Promise<DiagnosticsArchive> },
) {
  const { config, scanners, tokens, ctx, staff, page } = deps;
  const app = new Hono();
  app.use('*', staff);

  app.get('/', (c) => {
    c.header('Cache-Control', 'no-store'); // it holds the tokens
    const apiUrl = new URL(c.req.url).origin;
    const info = { version: deps.version, agentId: deps.agentId, tokens, config, apiUrl, scanners: scanners.statuses, printers: deps.printers.list() };
    return c.html(page(<SettingsPage ctx={ctx} info={info} />));
  });

  app.get('/scanners', (c) => c.html(<ScannersPanel ctx={ctx} statuses={scanners.statuses} config={config} />));

  // The API's archive (GET /api/v1/diagnostics), for staff to send to support: no secret is in it.
  app.get('/diagnostics.tar.gz', async (c) => {
    const made = await deps.diagnostics();
    return c.body(new Uint8Array(made.bytes), 200, diagnosticsHeaders(made));
  });

  // A token for Copy and Show: asked for with the staff session, never kept (app.js reads it as text).
  app.get('/tokens/:index', (c) => {
    const index = c.req.param('index');
    const tok = /^\d+$/.test(index) ? tokens[Number(index)] : undefined;
    if (!tok) return problemResponse(c, 404, 'No such token.');
    c.header('Cache-Control', 'no-store');
    c.header('X-Content-Type-Options', 'nosniff');
    return c.text(tok.token);
  });
  return app;
}
