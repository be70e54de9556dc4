import { getConnInfo } from '@hono/node-server/conninfo';
import { type Context, Hono, type MiddlewareHandler } from 'hono';
import { getCookie } from 'hono/cookie';
import { z } from 'zod';
import type { Services } from '../agent/services.js';
import { problemResponse } from '../agent/http/problem.js';
import { eventStream, STREAMED } from '../agent/event-stream.js';
import { renderRequest } from '../agent/printing/render.js';
import { previewOfBytes } from '../drivers/printer/preview.js';
import { PrintersPage, PrintersPanel } from './pages/printers.js';
import { assets } from './assets.js';
import { groupPages } from './group-routes.js';
import { syncPages } from './sync-routes.js';
import { syncStatusOf } from '../agent/sync/status.js';
import { translator } from './i18n.js';
import type { PageContext } from './layout.js';
import { DirectoryPage, DirectoryResults, DirectoryRows, type DirectoryView } from './pages/directory.js';
import { ScannersPanel, SettingsPage } from './pages/settings.js';
import { SCAN_CODE_MAX } from '../agent/scans/scan-service.js';
import { AgentError, type FieldError, fieldErrors, isKind } from '../agent/errors.js';
import { clientCreateSchema, clientPatchSchema, type ClientOut } from '../agent/directory/schema.js';
import { ClientFormPage, FORM_FIELDS, type FormValues } from './pages/client-form.js';
import { ClientCard, ClientGone, ClientPage, NotFoundPage } from './pages/client.js';
import { LoginPage } from './pages/login.js';
import { clearSessionCookie, requireStaff, SESSION_COOKIE, setSessionCookie, StaffSessions } from './session.js';

const PAGE_SIZE = 25;

/**
 * Defence in depth for pages that show names typed by anyone: even if some markup slipped through
 * escaping, no inline or foreign script runs, and no other site can frame the page.
 */
const staffPageHeaders: MiddlewareHandler = async (c, next) => {
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

/**
 * The staff UI's routes. They go through the same Host/Origin middleware as the API (so a form
 * posted from another site gets 403). As in the htmx contact app, one URL serves the whole page,
 * or only the results for an htmx request.
 */
export function webRoutes(deps: Services) {
  const app = new Hono();
  const { urls, routes } = assets();
  const sessions = new StaffSessions(deps.config.ui.pin);
  const ctx: PageContext = {
    lang: deps.config.ui.locale,
    pinRequired: sessions.required,
    shopName: deps.config.shop.name,
    assets: urls,
    t: translator(deps.config.ui.locale),
    sync: () => syncStatusOf(deps.sync),
  };
  const page = (body: unknown) => '<!doctype html>' + String(body);
  app.use('*', staffPageHeaders);
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
    const cursor = c.req.query('cursor');
    const htmx = c.req.header('hx-request') === 'true';
    if (cursor !== undefined && htmx) {
      // "More results": the next rows, in place of the button
      let result;
      try {
        result = deps.directory.search(q, PAGE_SIZE, cursor);
      } catch (err) {
        if (isKind(err, 'invalid')) return c.html('');
        throw err;
      }
      return c.html(<DirectoryRows ctx={ctx} view={{ q, items: result.items, next: result.next, total: deps.directory.clientCount }} />);
    }
    const result = deps.directory.search(q, PAGE_SIZE);
    const view: DirectoryView = { q, items: result.items, next: result.next, total: deps.directory.clientCount };
    if (htmx) return c.html(<DirectoryResults ctx={ctx} view={view} />);
    return c.html(page(<DirectoryPage ctx={ctx} view={view} />));
  });

  // The page's own event stream (the session is its credential; the till's needs a token).
  // Directory changes come in bursts of up to 100,000 during a full pull from the cloud: the page
  // only refreshes on them, so a burst goes as one event rather than as many as there are clients.
  app.get('/events', staff, (c) =>
    eventStream(c, deps.events, STREAMED, deps.closing, deps.log, { who: 'staff page', coalesce: { name: 'directory', max: 20, windowMs: 50 } }),
  );
  app.get('/settings/scanners', staff, (c) => c.html(<ScannersPanel ctx={ctx} statuses={deps.scanners.statuses} config={deps.config} />));

  // Keyboard-wedge scans read by the page go through the same path as a scanner's.
  app.post('/scans', staff, async (c) => {
    // JSON only: a cross-site "simple" post (text/plain, no preflight) cannot inject a scan
    if (!(c.req.header('content-type') ?? '').startsWith('application/json')) return problemResponse(c, 415, 'Send the scan as JSON.');
    const parsed = z.object({ code: z.string().max(SCAN_CODE_MAX * 2), page: z.string().max(64).optional() }).safeParse(await c.req.json().catch(() => null));
    if (!parsed.success) return problemResponse(c, 422, 'Send {"code": "…"}: the characters the scanner typed.');
    // One device per page: two tills scanning the same card are two scans, and a page knows its own
    return c.json(deps.scans.scan(parsed.data.code, parsed.data.page ? `keyboard:${parsed.data.page}` : 'keyboard'));
  });

  // A token for Copy and Show on the settings page: asked for with the staff session, never kept.
  app.get('/settings/tokens/:index', staff, (c) => {
    const tok = deps.tokens[Number(c.req.param('index'))];
    if (!/^\d+$/.test(c.req.param('index')) || !tok) return problemResponse(c, 404, 'No such token.');
    c.header('Cache-Control', 'no-store');
    c.header('X-Content-Type-Options', 'nosniff');
    return c.text(tok.token);
  });

  app.get('/settings', staff, (c) => {
    c.header('Cache-Control', 'no-store'); // it holds the tokens
    return c.html(
      page(
        <SettingsPage
          ctx={ctx}
          info={{
            version: deps.version,
            agentId: deps.agentId,
            tokens: deps.tokens,
            config: deps.config,
            apiUrl: new URL(c.req.url).origin,
            scanners: deps.scanners.statuses,
            printers: deps.printers.list(),
          }}
        />,
      ),
    );
  });
  const formPage = (c: Context, status: 200 | 409 | 412 | 422, props: Omit<Parameters<typeof ClientFormPage>[0], 'ctx' | 'groups'>) =>
    c.html(page(<ClientFormPage ctx={ctx} groups={deps.directory.listGroups()} {...props} />), status);

  app.get('/clients/new', staff, (c) =>
    formPage(c, 200, {
      action: '/clients',
      values: { kind: 'person', country: 'CH', reference: (c.req.query('reference') ?? '').slice(0, 64) },
      errors: [],
      etag: null,
      clientId: null,
      banner: null,
      cancel: '/',
    }),
  );

  app.post('/clients', staff, async (c) => {
    const values = await formValues(c);
    const parsed = clientCreateSchema.safeParse(formToInput(values));
    const fail = (errors: FieldError[]) => formPage(c, 422, { action: '/clients', values, errors, etag: null, clientId: null, banner: 'invalid', cancel: '/' });
    if (!parsed.success) return fail(fieldErrors(parsed.error.issues));
    try {
      const client = await deps.directory.createClient(parsed.data);
      return c.redirect(`/clients/${encodeURIComponent(client.id)}`, 303);
    } catch (err) {
      if (err instanceof AgentError && err.errors) return fail(err.errors);
      throw err;
    }
  });

  app.get('/clients/:id/edit', staff, (c) => {
    const client = deps.directory.findById(c.req.param('id'));
    if (!client) return c.html(page(<NotFoundPage ctx={ctx} />), 404);
    const action = `/clients/${encodeURIComponent(client.id)}`;
    return formPage(c, 200, { action, values: clientToForm(client), errors: [], etag: client.etag, clientId: client.id, banner: null, cancel: action });
  });

  app.post('/clients/:id', staff, async (c) => {
    const id = c.req.param('id');
    const values = await formValues(c);
    const etag = values.etag ?? null;
    const action = `/clients/${encodeURIComponent(id)}`;
    const parsed = clientPatchSchema.safeParse(formToInput(values));
    const fail = (errors: FieldError[]) => formPage(c, 422, { action, values, errors, etag, clientId: id, banner: 'invalid', cancel: action });
    if (!parsed.success) return fail(fieldErrors(parsed.error.issues));
    try {
      await deps.directory.updateClient(id, parsed.data, etag);
      return c.redirect(action, 303);
    } catch (err) {
      if (isKind(err, 'stale')) return formPage(c, 412, { action, values, errors: [], etag, clientId: id, banner: 'stale', cancel: action });
      if (err instanceof AgentError && err.errors) return fail(err.errors);
      if (isKind(err, 'not-found')) return c.html(page(<NotFoundPage ctx={ctx} />), 404);
      throw err;
    }
  });

  // htmx deletes a row (or the card): an empty answer removes it; from the card, go home.
  app.delete('/clients/:id', staff, async (c) => {
    try {
      await deps.directory.deleteClient(c.req.param('id'));
    } catch (err) {
      if (!isKind(err, 'not-found')) throw err; // already gone: same result
    }
    if (!URL.canParse(c.req.header('hx-current-url') ?? '') || new URL(c.req.header('hx-current-url') ?? '').pathname !== '/') c.header('HX-Redirect', '/');
    return c.body('', 200);
  });

  app.route('/groups', groupPages({ directory: deps.directory, ctx, staff, page }));
  app.route('/sync', syncPages({ sync: deps.sync, issues: deps.syncIssues, ctx, staff, page }));

  const printersView = () => ({ printers: deps.printers.list(), config: deps.config.printers, jobs: deps.jobs.list(null, 20), audit: deps.jobs.audit(50) });
  app.get('/printers', staff, (c) => c.html(page(<PrintersPage ctx={ctx} {...printersView()} />)));
  app.get('/printers/panel', staff, (c) => c.html(<PrintersPanel ctx={ctx} {...printersView()} />));
  app.post('/printers/:id/test', staff, async (c) => c.body(null, (await deps.printers.testPage(c.req.param('id'))) ? 204 : 404));
  app.get('/jobs/:id/preview', staff, (c) => {
    const job = deps.jobs.get(c.req.param('id'));
    const p = job ? deps.config.printers.find((x) => x.id === job.printer) : undefined;
    if (!job) return c.html(page(<NotFoundPage ctx={ctx} />), 404);
    // the preview has its own small inline style: allow it on this page only
    c.header('Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'");
    return c.html(previewOfBytes(Buffer.from(job.bytes, 'base64'), p ?? { model: 'epson', width: 48 }, `${job.type} — ${job.printer}`));
  });
  app.post('/jobs/:id/reprint', staff, async (c) => c.body(null, (await deps.printers.reprint(c.req.param('id'))) ? 204 : 404));

  // "Imprimer la carte": a client-card job on the printer with the "client" role
  app.post('/clients/:id/print', staff, async (c) => {
    const id = c.req.param('id');
    try {
      const r = renderRequest({ type: 'client', client: { id } }, deps.config, deps.directory);
      await deps.printers.enqueue({ type: 'client', printer: r.printer.id, bytes: r.bytes });
      return c.html(<span class="ok">{ctx.t('client.printed', { printer: r.printer.name })}</span>);
    } catch (err) {
      if (isKind(err, 'invalid')) {
        const noPrinter = err.errors?.some((e) => e.path === 'printer');
        return c.html(<span class="error">{ctx.t(noPrinter ? 'client.noPrinter' : 'client.notFound')}</span>);
      }
      throw err;
    }
  });

  app.get('/clients/:id', staff, (c) => {
    const client = deps.directory.findById(c.req.param('id'));
    // htmx refreshing the card after a change elsewhere: the card alone, or word that it is gone
    if (c.req.header('hx-request') === 'true') return c.html(client ? <ClientCard ctx={ctx} client={client} /> : <ClientGone ctx={ctx} />);
    if (!client) return c.html(page(<NotFoundPage ctx={ctx} />), 404);
    return c.html(page(<ClientPage ctx={ctx} client={client} />));
  });
  return app;
}

async function formValues(c: Context): Promise<FormValues> {
  const body = await c.req.parseBody();
  const out: FormValues = {};
  for (const name of [...FORM_FIELDS, 'etag']) {
    const value = body[name];
    if (typeof value === 'string') out[name] = value;
  }
  return out;
}

/** The form's strings → the API's input: empty fields are null, as the API stores them. */
function formToInput(v: FormValues) {
  const text = (name: string) => (v[name]?.trim() ? v[name]! : null);
  return {
    kind: v.kind === 'company' ? 'company' : 'person',
    civility: text('civility'),
    lastName: text('lastName'),
    firstName: text('firstName'),
    companyName: text('companyName'),
    reference: text('reference'),
    accountNumber: text('accountNumber'),
    groupId: text('groupId'),
    email: text('email'),
    phone: text('phone'),
    notes: text('notes'),
    address: { street: text('street'), street2: text('street2'), postalCode: text('postalCode'), city: text('city'), country: v.country?.trim() || 'CH' },
  };
}

function clientToForm(c: ClientOut): FormValues {
  const a = c.address;
  const values: Record<string, string | null> = {
    kind: c.kind, civility: c.civility, lastName: c.lastName, firstName: c.firstName, companyName: c.companyName,
    street: a.street, street2: a.street2, postalCode: a.postalCode, city: a.city, country: a.country,
    phone: c.phone, email: c.email, reference: c.reference, accountNumber: c.accountNumber, groupId: c.groupId, notes: c.notes,
  };
  return Object.fromEntries(Object.entries(values).map(([k, v]) => [k, v ?? '']));
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
