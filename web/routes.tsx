import { getConnInfo } from '@hono/node-server/conninfo';
import { Hono } from 'hono';
import { getCookie } from 'hono/cookie';
import type { AgentConfig } from '../agent/config.js';
import type { Directory } from '../agent/directory/directory.js';
import { assets } from './assets.js';
import { translator } from './i18n.js';
import type { PageContext } from './layout.js';
import { DirectoryPage, DirectoryResults, type DirectoryView } from './pages/directory.js';
import { ClientPage, NotFoundPage } from './pages/client.js';
import { LoginPage } from './pages/login.js';
import { clearSessionCookie, requireStaff, SESSION_COOKIE, setSessionCookie, StaffSessions } from './session.js';

/**
 * The staff UI's routes. They go through the same Host/Origin middleware as the API (so a form
 * posted from another site gets 403). As in the htmx contact app, one URL serves the whole page,
 * or only the results for an htmx request.
 */
export function webRoutes(deps: { config: AgentConfig; directory: Directory; version: string }) {
  const app = new Hono();
  const { urls, routes } = assets(deps.version);
  const sessions = new StaffSessions(deps.config.ui.pin);
  const ctx: PageContext = {
    lang: deps.config.ui.locale,
    pinRequired: sessions.required,
    shopName: deps.config.shop.name,
    assets: urls,
    t: translator(deps.config.ui.locale),
  };
  const page = (body: unknown) => '<!doctype html>' + String(body);
  app.route('/static', routes);

  app.get('/login', (c) => {
    if (!sessions.required) return c.redirect('/', 303);
    return c.html(page(<LoginPage ctx={ctx} next={safeNext(c.req.query('next'))} error={null} />));
  });

  app.post('/login', async (c) => {
    const form = await c.req.parseBody();
    const pin = typeof form.pin === 'string' ? form.pin : '';
    const next = safeNext(typeof form.next === 'string' ? form.next : undefined);
    let who = 'unknown';
    try {
      who = getConnInfo(c).remote.address ?? 'unknown';
    } catch {
      // app.request() in tests has no socket
    }
    const result = sessions.login(pin, who);
    if (result.ok) {
      setSessionCookie(c, result.sid);
      return c.redirect(next, 303);
    }
    const error = result.lockedFor > 0 ? ctx.t('login.locked', { s: Math.ceil(result.lockedFor / 1000) }) : ctx.t('login.wrong');
    return c.html(page(<LoginPage ctx={ctx} next={next} error={error} />), result.lockedFor > 0 ? 429 : 401);
  });

  app.post('/logout', (c) => {
    sessions.logout(getCookie(c, SESSION_COOKIE));
    clearSessionCookie(c);
    return c.redirect(sessions.required ? '/login' : '/', 303);
  });

  const staff = requireStaff(sessions);

  app.get('/', staff, (c) => {
    const q = (c.req.query('q') ?? '').slice(0, 200);
    const result = deps.directory.search(q, 50);
    const view: DirectoryView = { q, items: result.items, next: result.next, total: deps.directory.clientCount };
    if (c.req.header('hx-request') === 'true') return c.html(<DirectoryResults ctx={ctx} view={view} />);
    return c.html(page(<DirectoryPage ctx={ctx} view={view} />));
  });
  app.get('/clients/:id', staff, (c) => {
    const client = deps.directory.findById(c.req.param('id'));
    if (!client) return c.html(page(<NotFoundPage ctx={ctx} />), 404);
    return c.html(page(<ClientPage ctx={ctx} client={client} />));
  });
  return app;
}

/** Only a path on this agent: `next=//evil.example` or `https://…` must not redirect away. */
function safeNext(next: string | undefined): string {
  return next && next.startsWith('/') && !next.startsWith('//') && !next.startsWith('/\\') ? next : '/';
}
