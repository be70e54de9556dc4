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
  // Not no-referrer: Chrome then sends "Origin: null" on the page's own form posts, which the Origin check refuses.
  c.header('Referrer-Policy', 'same-origin');
};
