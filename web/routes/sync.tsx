import { Hono } from 'hono';
import { AgentError, isKind } from '../../agent/errors.js';
import type { Services } from '../../agent/services.js';
import { ruleMessage } from '../i18n/translator.js';
import type { PageDeps } from '../page-context.js';
import { IssueList, SyncPage } from '../pages/sync.js';
import { SyncBadge, SyncFacts } from '../partials/sync-status.js';

/** /sync: the sync's state, "sync now", and the conflicts and refused edits staff settle. */
export function syncPages(deps: Pick<Services, 'sync' | 'syncIssues'> & PageDeps) {
  const { ctx, page, syncIssues: issues } = deps;
  const status = ctx.sync;
  const app = new Hono();
  app.use('*', deps.staff);

  app.get('/', (c) => c.html(page(<SyncPage ctx={ctx} status={status()} issues={issues.list()} error={null} />)));
  app.get('/badge', (c) => c.html(<SyncBadge ctx={ctx} status={status()} />));
  app.get('/panel', (c) => c.html(<SyncFacts ctx={ctx} status={status()} />));
  app.get('/issues', (c) => c.html(<IssueList ctx={ctx} issues={issues.list()} />));

  app.post('/run', (c) => {
    void deps.sync?.syncNow();
    return c.redirect('/sync', 303);
  });

  app.post('/issues/:id/reapply', async (c) => {
    try {
      await issues.reapply(c.req.param('id'));
    } catch (err) {
      if (!(err instanceof AgentError) || err.kind === 'unavailable') throw err;
      // Re-applying goes through the directory's rules: say which one stands in the way.
      const reason = err.errors?.length ? err.errors.map((e) => ruleMessage(ctx.t, e)).join(' ') : err.detail;
      return c.html(page(<SyncPage ctx={ctx} status={status()} issues={issues.list()} error={reason} />), err.kind === 'not-found' ? 404 : 409);
    }
    return c.redirect('/sync', 303);
  });

  app.post('/issues/:id/dismiss', async (c) => {
    try {
      await issues.dismiss(c.req.param('id'));
    } catch (err) {
      if (!isKind(err, 'not-found')) throw err;
    }
    return c.redirect('/sync', 303);
  });

  return app;
}
