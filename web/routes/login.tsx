import { getConnInfo } from '@hono/node-server/conninfo';
import { type Context, Hono } from 'hono';
import { getCookie } from 'hono/cookie';
import type { PageDeps } from '../page-context.js';
import { LoginPage } from '../pages/login.js';
import { clearSessionCookie, SESSION_COOKIE, setSessionCookie, type StaffSessions } from '../session.js';

/** /login and /logout: the PIN page when `ui.pin` is set. */
export function loginPages(deps: { sessions: StaffSessions } & Omit<PageDeps, 'staff'>) {
  const { sessions, ctx, page } = deps;
  const app = new Hono();

  app.get('/login', (c) => {
    if (!sessions.required) return c.redirect('/', 303);
    return c.html(page(<LoginPage ctx={ctx} next={safeNext(c.req.query('next'))} error={null} />));
  });

  app.post('/login', async (c) => {
    const form = await c.req.parseBody();
    const next = safeNext(typeof form.next === 'string' ? form.next : undefined);
    const result = sessions.login(typeof form.pin === 'string' ? form.pin : '', remoteAddress(c));
    if (result.ok) {
      setSessionCookie(c, result.sid);
      return c.redirect(next, 303);
    }
    const locked = result.lockedFor > 0;
    const error = locked ? ctx.t('login.locked', { s: Math.ceil(result.lockedFor / 1000) }) : ctx.t('login.wrong');
    return c.html(page(<LoginPage ctx={ctx} next={next} error={error} />), locked ? 429 : 401);
  });

  app.post('/logout', (c) => {
    sessions.logout(getCookie(c, SESSION_COOKIE));
    clearSessionCookie(c);
    return c.redirect(sessions.required ? '/login' : '/', 303);
  });
  return app;
}

/** Wrong PINs are counted per address. */
function remoteAddress(c: Context): string {
  try {
    return getConnInfo(c).remote.address ?? 'unknown';
  } catch {
    return 'unknown'; // app.request() in tests has no socket
  }
}

/**
 * Only a path on this agent: `next=//evil.example`, `https://…`, or `/\t/evil.example` (browsers
 * drop tabs and newlines from a Location, making it `//evil.example`) must not redirect away.
 */
function safeNext(next: string | undefined): string {
  if (!next || !next.startsWith('/') || /[\u0000-\u001f\u007f\\]/.test(next)) return '/';
  const base = 'http://agent.invalid';
  const url = new URL(next, base);
  return url.origin === base ? url.pathname + url.search : '/';
}
