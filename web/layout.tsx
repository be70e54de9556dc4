import type { Child } from 'hono/jsx';
import type { PageContext } from './page-context.js';
import { SyncBadgeSlot } from './partials/sync-status.js';

/**
 * The frame every staff page shares: header with the shop and navigation, then the page. Staff
 * pages hold one event stream (htmx SSE extension) for live updates and scans; app.js reacts to it.
 */
export function Layout(props: {
  ctx: PageContext;
  title: string;
  current: 'directory' | 'groups' | 'printers' | 'settings' | 'sync' | 'login' | 'error';
  /** The header's navigation and the live stream: for staff; not on the PIN page, nor for a visitor without a session. */
  staff?: boolean;
  children: Child;
}) {
  const { ctx } = props;
  const staff = props.staff ?? props.current !== 'login';
  const nav = (href: string, key: 'nav.directory' | 'nav.groups' | 'nav.printers' | 'nav.settings', current: typeof props.current) => (
    <a href={href} aria-current={props.current === current ? 'page' : undefined}>
      {ctx.t(key)}
    </a>
  );
  return (
    <html lang={ctx.lang}>
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        {/* The indicator styles are in app.css: htmx must not inject a <style> the CSP would refuse.
            No history cache: pages of client data must not stay in sessionStorage after sign-out. */}
        <meta name="htmx-config" content='{"includeIndicatorStyles":false,"historyCacheSize":0}' />
        <title>{props.title}</title>
        <link rel="icon" href={ctx.assets.icon} type="image/svg+xml" />
        <link rel="stylesheet" href={ctx.assets.css} />
        <script src={ctx.assets.js} defer></script>
      </head>
      <body {...(staff ? { 'hx-ext': 'sse', 'sse-connect': '/events' } : {})}>
        {/* On a phone the navigation folds behind "Menu" (app.js opens it); from 760 px it is one row. */}
        <header class="top">
          <span class="shop">{ctx.shopName || 'Kleek'}</span>
          {staff && (
            <button type="button" class="menu-toggle" aria-expanded="false" aria-controls="site-nav">
              <svg viewBox="0 0 24 24" width="22" height="22" aria-hidden="true">
                <path fill="currentColor" d="M3 6h18v2H3zm0 5h18v2H3zm0 5h18v2H3z" />
              </svg>
              {ctx.t('nav.menu')}
            </button>
          )}
          {staff && (
            <nav id="site-nav" aria-label={ctx.t('nav.label')}>
              {nav('/', 'nav.directory', 'directory')}
              {nav('/groups', 'nav.groups', 'groups')}
              {nav('/printers', 'nav.printers', 'printers')}
              {nav('/settings', 'nav.settings', 'settings')}
            </nav>
          )}
          {staff && <SyncBadgeSlot ctx={ctx} status={ctx.sync()} />}
          {ctx.pinRequired && staff && (
            <form method="post" action="/logout" class="logout">
              <button type="submit" class="link">
                {ctx.t('nav.logout')}
              </button>
            </form>
          )}
        </header>
        {staff && (
          <>
            <div id="live" sse-swap="scan,directory,reset" hx-swap="none" hidden></div>
            <div id="scan-notice" aria-live="assertive"></div>
            {/* where a failed htmx request says what went wrong (web/error-pages.tsx, app.js) */}
            <div id="error-notice" aria-live="assertive"></div>
            <template id="scan-unknown">
              <section class="notice" role="alert">
                <p>
                  {ctx.t('scan.unknown')} <strong data-code></strong>
                </p>
                <a class="button" data-create href="/clients/new">
                  {ctx.t('scan.create')}
                </a>{' '}
                <button type="button" class="button secondary" data-dismiss=".notice">
                  {ctx.t('scan.dismiss')}
                </button>
              </section>
            </template>
          </>
        )}
        <main>{props.children}</main>
        {/* "Client supprimé — Annuler" and other short messages (web/partials/toast.tsx) */}
        {staff && <div id="toast" class="toast-region" aria-live="polite"></div>}
      </body>
    </html>
  );
}
