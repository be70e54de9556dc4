import { type Context, Hono } from 'hono';
import { clientCreateSchema, clientPatchSchema } from '../../agent/directory/schema.js';
import { AgentError, type FieldError, fieldErrors, isKind, notFound } from '../../agent/errors.js';
import type { Services } from '../../agent/services.js';
import { isHtmx, type PageDeps } from '../page-context.js';
import { ClientCard, ClientGone, ClientPage } from '../pages/client.js';
import { ClientFormPage } from '../pages/client-form.js';
import { clientToForm, formToInput, formValues } from './client-form.js';

type FormProps = Omit<Parameters<typeof ClientFormPage>[0], 'ctx' | 'groups'>;

/** /clients: a client's card, the new and edit forms, delete, and printing the client's card. */
export function clientPages(deps: Pick<Services, 'directory' | 'print' | 'config'> & PageDeps) {
  const { directory, print, config, ctx, staff, page } = deps;
  const app = new Hono();
  app.use('*', staff);
  const formPage = (c: Context, status: 200 | 409 | 412 | 422, props: FormProps) =>
    c.html(page(<ClientFormPage ctx={ctx} groups={directory.listGroups()} {...props} />), status);
  const refused = (c: Context, props: FormProps, errors: FieldError[]) => formPage(c, 422, { ...props, errors, banner: 'invalid' });

  app.get('/new', (c) => {
    const values = { kind: 'person', country: 'CH', reference: (c.req.query('reference') ?? '').slice(0, 64) };
    return formPage(c, 200, { action: '/clients', values, errors: [], etag: null, clientId: null, banner: null, cancel: '/' });
  });

  app.post('/', async (c) => {
    const values = await formValues(c);
    const form: FormProps = { action: '/clients', values, errors: [], etag: null, clientId: null, banner: null, cancel: '/' };
    const parsed = clientCreateSchema.safeParse(formToInput(values));
    if (!parsed.success) return refused(c, form, fieldErrors(parsed.error.issues));
    try {
      const client = await directory.createClient(parsed.data);
      return c.redirect(`/clients/${encodeURIComponent(client.id)}`, 303);
    } catch (err) {
      if (err instanceof AgentError && err.errors) return refused(c, form, err.errors);
      throw err;
    }
  });

  app.get('/:id/edit', (c) => {
    const client = directory.findById(c.req.param('id'));
    if (!client) throw notFound('Client', c.req.param('id'));
    const action = `/clients/${encodeURIComponent(client.id)}`;
    return formPage(c, 200, { action, values: clientToForm(client), errors: [], etag: client.etag, clientId: client.id, banner: null, cancel: action });
  });

  app.post('/:id', async (c) => {
    const id = c.req.param('id');
    const values = await formValues(c);
    const etag = values.etag ?? null;
    const action = `/clients/${encodeURIComponent(id)}`;
    const form: FormProps = { action, values, errors: [], etag, clientId: id, banner: null, cancel: action };
    const parsed = clientPatchSchema.safeParse(formToInput(values));
    if (!parsed.success) return refused(c, form, fieldErrors(parsed.error.issues));
    try {
      await directory.updateClient(id, parsed.data, etag);
      return c.redirect(action, 303);
    } catch (err) {
      if (isKind(err, 'stale')) return formPage(c, 412, { ...form, banner: 'stale' });
      if (err instanceof AgentError && err.errors) return refused(c, form, err.errors);
      throw err;
    }
  });

  // htmx deletes a row (or the card): an empty answer removes it; from the card, go home.
  app.delete('/:id', async (c) => {
    try {
      await directory.deleteClient(c.req.param('id'));
    } catch (err) {
      if (!isKind(err, 'not-found')) throw err; // already gone: same result
    }
    if (!URL.canParse(c.req.header('hx-current-url') ?? '') || new URL(c.req.header('hx-current-url') ?? '').pathname !== '/') c.header('HX-Redirect', '/');
    return c.body('', 200);
  });

  // "Imprimer la carte": a client-card job on the printer with the "client" role
  app.post('/:id/print', async (c) => {
    try {
      const printer = await print.printClientCard(c.req.param('id'));
      return c.html(<span class="ok">{ctx.t('client.printed', { printer: printer.name })}</span>);
    } catch (err) {
      if (!isKind(err, 'invalid')) throw err;
      // Said next to the button: no printer has the "client" role, or the client is gone.
      const noPrinter = err.errors?.some((e) => e.path === 'printer');
      return c.html(<span class="error">{ctx.t(noPrinter ? 'client.noPrinter' : 'client.notFound')}</span>);
    }
  });

  app.get('/:id', (c) => {
    const client = directory.findById(c.req.param('id'));
    // htmx refreshing the card after a change elsewhere: the card alone, or word that it is gone
    if (isHtmx(c)) return c.html(client ? <ClientCard ctx={ctx} client={client} /> : <ClientGone ctx={ctx} />);
    if (!client) throw notFound('Client', c.req.param('id'));
    return c.html(page(<ClientPage ctx={ctx} client={client} />));
  });
  return app;
}
