import { Hono } from 'hono';
import { duplicatePairs } from '../../agent/directory/duplicates.js';
import type { Services } from '../../agent/services.js';
import type { PageDeps } from '../page-context.js';
import { DuplicatesPage } from '../pages/duplicates.js';

/** Pairs shown at first, and added by each "Afficher plus". */
const STEP = 50;
const MAX = 1000;

/** /duplicates: the "Doublons" page. */
export function duplicatePages(deps: Pick<Services, 'directory'> & PageDeps) {
  const { directory, ctx, staff, page } = deps;
  const app = new Hono();
  app.use('*', staff);
  app.get('/', (c) => {
    const asked = Number.parseInt(c.req.query('limit') ?? '', 10);
    const limit = Number.isFinite(asked) ? Math.min(Math.max(asked, STEP), MAX) : STEP;
    const { items, total } = duplicatePairs(directory, limit);
    const more = total > items.length && limit < MAX ? Math.min(limit + STEP, MAX) : null;
    return c.html(page(<DuplicatesPage ctx={ctx} view={{ items, total, clientCount: directory.clientCount, more }} />));
  });
  return app;
}
