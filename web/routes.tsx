import { Hono } from 'hono';
import type { AgentConfig } from '../agent/config.js';
import type { Directory } from '../agent/directory/directory.js';
import { assets } from './assets.js';
import { translator } from './i18n.js';
import type { PageContext } from './layout.js';
import { DirectoryPage, DirectoryResults, type DirectoryView } from './pages/directory.js';

/**
 * The staff UI's routes. They go through the same Host/Origin middleware as the API. As in the
 * htmx contact app, one URL serves the whole page, or only the results for an htmx request.
 */
export function webRoutes(deps: { config: AgentConfig; directory: Directory; version: string }) {
  const app = new Hono();
  const { urls, routes } = assets(deps.version);
  const ctx: PageContext = {
    lang: deps.config.ui.locale,
    shopName: deps.config.shop.name,
    assets: urls,
    t: translator(deps.config.ui.locale),
  };
  app.route('/static', routes);

  app.get('/', (c) => {
    const q = (c.req.query('q') ?? '').slice(0, 200);
    const page = deps.directory.search(q, 50);
    const view: DirectoryView = { q, items: page.items, next: page.next, total: deps.directory.clientCount };
    if (c.req.header('hx-request') === 'true') return c.html(<DirectoryResults ctx={ctx} view={view} />);
    return c.html('<!doctype html>' + String(<DirectoryPage ctx={ctx} view={view} />));
  });
  return app;
}
