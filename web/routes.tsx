import { getConnInfo } from '@hono/node-server/conninfo';
import { type Context, Hono } from 'hono';
import { getCookie } from 'hono/cookie';
import type { AgentConfig } from '../agent/config.js';
import type { Directory } from '../agent/directory/directory.js';
import { assets } from './assets.js';
import { translator } from './i18n.js';
import type { PageContext } from './layout.js';
import { DirectoryPage, DirectoryResults, type DirectoryView } from './pages/directory.js';
import { AgentError, type FieldError } from '../agent/errors.js';
import { clientCreateSchema, clientPatchSchema, type ClientOut } from '../agent/directory/schema.js';
import { fieldErrors } from '../agent/http/problem.js';
import { ClientFormPage, FORM_FIELDS, type FormValues } from './pages/client-form.js';
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
  const formPage = (c: Context, status: 200 | 409 | 412 | 422, props: Omit<Parameters<typeof ClientFormPage>[0], 'ctx' | 'groups'>) =>
    c.html(page(<ClientFormPage ctx={ctx} groups={deps.directory.listGroups()} {...props} />), status);

  app.get('/clients/new', staff, (c) =>
    formPage(c, 200, { action: '/clients', values: { kind: 'person', country: 'CH', reference: c.req.query('reference') ?? '' }, errors: [], etag: null, banner: null, cancel: '/' }),
  );

  app.post('/clients', staff, async (c) => {
    const values = await formValues(c);
    const parsed = clientCreateSchema.safeParse(formToInput(values));
    const fail = (errors: FieldError[]) => formPage(c, 422, { action: '/clients', values, errors, etag: null, banner: 'invalid', cancel: '/' });
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
    return formPage(c, 200, { action, values: clientToForm(client), errors: [], etag: client.etag, banner: null, cancel: action });
  });

  app.post('/clients/:id', staff, async (c) => {
    const id = c.req.param('id');
    const values = await formValues(c);
    const etag = values.etag ?? null;
    const action = `/clients/${encodeURIComponent(id)}`;
    const parsed = clientPatchSchema.safeParse(formToInput(values));
    const fail = (errors: FieldError[]) => formPage(c, 422, { action, values, errors, etag, banner: 'invalid', cancel: action });
    if (!parsed.success) return fail(fieldErrors(parsed.error.issues));
    try {
      await deps.directory.updateClient(id, parsed.data, etag);
      return c.redirect(action, 303);
    } catch (err) {
      if (err instanceof AgentError && err.status === 412) return formPage(c, 412, { action, values, errors: [], etag, banner: 'stale', cancel: action });
      if (err instanceof AgentError && err.errors) return fail(err.errors);
      if (err instanceof AgentError && err.status === 404) return c.html(page(<NotFoundPage ctx={ctx} />), 404);
      throw err;
    }
  });

  // htmx deletes a row (or the card): an empty answer removes it; from the card, go home.
  app.delete('/clients/:id', staff, async (c) => {
    try {
      await deps.directory.deleteClient(c.req.param('id'));
    } catch (err) {
      if (!(err instanceof AgentError && err.status === 404)) throw err; // already gone: same result
    }
    if (new URL(c.req.header('hx-current-url') ?? 'http://x/').pathname !== '/') c.header('HX-Redirect', '/');
    return c.body('', 200);
  });

  app.get('/clients/:id', staff, (c) => {
    const client = deps.directory.findById(c.req.param('id'));
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

/** Only a path on this agent: `next=//evil.example` or `https://…` must not redirect away. */
function safeNext(next: string | undefined): string {
  return next && next.startsWith('/') && !next.startsWith('//') && !next.startsWith('/\\') ? next : '/';
}
