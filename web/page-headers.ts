import type { MiddlewareHandler } from 'hono';

/**
 * Defence in depth for pages that show names typed by anyone: even if some markup slipped through
 * escaping, no inline or foreign script runs, and no other site can frame the page.
 */
export const staffPageHeaders: MiddlewareHandler = async (c, next) => {
  await next();
  // a page that set its own (the ticket preview, with its inline style) keeps it
  if (!c.res.headers.has('content-security-policy')) {
    c.header(
      'Content-Security-Policy',
      "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
    );
  }
  c.header('X-Content-Type-Options', 'nosniff');
  // Pages of client data are never kept in the browser's cache: Back asks the agent again, so a
  // saved form comes back saying so (and no client's card outlives a sign-out on a shared till).
  if (!c.res.headers.has('cache-control') && c.res.headers.get('content-type')?.startsWith('text/html')) c.header('Cache-Control', 'no-store');
  // Not no-referrer: Chrome then sends "Origin: null" on the page's own form posts, which the Origin check refuses.
  c.header('Referrer-Policy', 'same-origin');
};
