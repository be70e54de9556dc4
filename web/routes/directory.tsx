import { Hono } from 'hono';
import type { Services } from '../../agent/services.js';
import { isKind } from '../../agent/errors.js';
import { isHtmx, type PageDeps } from '../page-context.js';
import { DirectoryPage, DirectoryResults, DirectoryRows, type DirectoryView } from '../pages/directory.js';

const PAGE_SIZE = 25;
/** Coming back to a list that showed more (app.js keeps `shown` in the URL): up to this many again. */
const SHOWN_MAX = 500;

/**
 * / : the directory's search. As in the htmx contact app, one URL serves the whole page, the
 * results alone for an htmx search, or the next rows for "more results".
 */
export function directoryPages(deps: Pick<Services, 'directory'> & PageDeps) {
  const { directory, ctx, staff, page } = deps;
  const app = new Hono();
  const viewOf = (q: string, result: { items: DirectoryView['items']; next: string | null }): DirectoryView => ({ q, ...result, total: directory.clientCount });

  app.get('/', staff, (c) => {
    const q = (c.req.query('q') ?? '').slice(0, 200);
    const cursor = c.req.query('cursor');
    if (cursor !== undefined && isHtmx(c)) {
      const more = nextRows(q, cursor);
      return c.html(more ? <DirectoryRows ctx={ctx} view={viewOf(q, more)} /> : '');
    }
    // Back from a client to a list where "Plus de résultats" was pressed: as many rows as before.
    const shown = Math.min(SHOWN_MAX, Math.max(PAGE_SIZE, Math.ceil(Number(c.req.query('shown')) / PAGE_SIZE) * PAGE_SIZE || PAGE_SIZE));
    const view = viewOf(q, directory.search(q, shown));
    if (isHtmx(c)) return c.html(<DirectoryResults ctx={ctx} view={view} />);
    return c.html(page(<DirectoryPage ctx={ctx} view={view} />));
  });

  /** The rows after a cursor; none when the cursor no longer reads (the button just goes). */
  function nextRows(q: string, cursor: string) {
    try {
      return directory.search(q, PAGE_SIZE, cursor);
    } catch (err) {
      if (isKind(err, 'invalid')) return null;
      throw err;
    }
  }
  return app;
}
