import { Hono } from 'hono';
import { z } from 'zod';
import { eventStream, STREAMED } from '../../agent/event-stream.js';
import { problemResponse } from '../../agent/problem.js';
import { SCAN_CODE_MAX } from '../../agent/scans/scan-service.js';
import type { Services } from '../../agent/services.js';
import type { PageDeps } from '../page-context.js';

const scanBody = z.object({ code: z.string().max(SCAN_CODE_MAX * 2), page: z.string().max(64).optional() });

/** What keeps a staff page live: its event stream, and the scans a keyboard-wedge scanner types into it. */
export function livePages(deps: Pick<Services, 'events' | 'closing' | 'log' | 'scans'> & Pick<PageDeps, 'staff'>) {
  const { events, closing, log, scans, staff } = deps;
  const app = new Hono();

  // The page's own event stream (the session is its credential; the till's needs a token).
  // Directory changes come in bursts of up to 100,000 during a full pull from the cloud: the page
  // only refreshes on them, so a burst goes as one event rather than as many as there are clients.
  app.get('/events', staff, (c) =>
    eventStream(c, events, STREAMED, closing, log, { who: 'staff page', coalesce: { name: 'directory', max: 20, windowMs: 50 } }),
  );

  // Keyboard-wedge scans read by the page go through the same path as a scanner's.
  app.post('/scans', staff, async (c) => {
    // JSON only: a cross-site "simple" post (text/plain, no preflight) cannot inject a scan
    if (!(c.req.header('content-type') ?? '').startsWith('application/json')) return problemResponse(c, 415, 'Send the scan as JSON.');
    const parsed = scanBody.safeParse(await c.req.json().catch(() => null));
    if (!parsed.success) return problemResponse(c, 422, 'Send {"code": "…"}: the characters the scanner typed.');
    // One device per page: two tills scanning the same card are two scans, and a page knows its own
    return c.json(scans.scan(parsed.data.code, parsed.data.page ? `keyboard:${parsed.data.page}` : 'keyboard'));
  });
  return app;
}
