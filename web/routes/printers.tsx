import { Hono } from 'hono';
import { displayName } from '../../agent/directory/directory.js';
import type { Services } from '../../agent/services.js';
import type { PageDeps } from '../page-context.js';
import { JobPreviewPage } from '../pages/job-preview.js';
import { PrintersPage, PrintersPanel } from '../pages/printers.js';

type PrinterDeps = Pick<Services, 'printers' | 'print' | 'jobs' | 'config' | 'directory'> & PageDeps;

/** /printers: each printer's state and queue, a test page, the recent jobs (the panel reloads itself). */
export function printerPages(deps: PrinterDeps) {
  const { printers, print, jobs, config, directory, ctx, staff, page } = deps;
  const app = new Hono();
  app.use('*', staff);
  const clientName = (id: string) => {
    const c = directory.findById(id);
    return c ? displayName(c) : null;
  };
  const view = () => ({ printers: printers.list(), config: config.printers, jobs: jobs.list(null, 20), audit: jobs.audit(50), clientName });

  app.get('/', (c) => c.html(page(<PrintersPage ctx={ctx} {...view()} />)));
  app.get('/panel', (c) => c.html(<PrintersPanel ctx={ctx} {...view()} />));
  app.post('/:id/test', async (c) => {
    await print.testPage(c.req.param('id'));
    return c.body(null, 204);
  });
  return app;
}

/** /jobs: a printed job as it came out (read back from its bytes), and printing it again. */
export function jobPages(deps: Pick<Services, 'print'> & PageDeps) {
  const { print, ctx, staff, page } = deps;
  const app = new Hono();
  app.use('*', staff);

  app.get('/:id/preview', (c) => {
    const paper = print.paperOfJob(c.req.param('id'));
    // the preview has its own small inline style: allow it on this page only
    c.header('Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'none'");
    return c.html(page(<JobPreviewPage ctx={ctx} {...paper} />));
  });
  app.post('/:id/reprint', async (c) => {
    await print.reprint(c.req.param('id'));
    return c.body(null, 204);
  });
  return app;
}
