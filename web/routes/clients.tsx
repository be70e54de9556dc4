import { randomUUID } from 'node:crypto';
import { type Context, Hono } from 'hono';
import { displayName } from '../../agent/directory/directory.js';
import { likelyDuplicates } from '../../agent/directory/duplicates.js';
import { type Client, clientCreateSchema, clientPatchSchema } from '../../agent/directory/schema.js';
import { AgentError, type FieldError, fieldErrors, isKind, notFound } from '../../agent/errors.js';
import type { Services } from '../../agent/services.js';
import { isHtmx, type PageDeps } from '../page-context.js';
import { ruleMessage } from '../i18n/translator.js';
import { ClientCard, ClientGone, ClientPage, UndoDelete } from '../pages/client.js';
import { ClientFormPage, type FormValues } from '../pages/client-form.js';
import { OobToast, Toast } from '../partials/toast.js';
import { UNDO_SHOWN_MS, UndoShelf } from '../undo-shelf.js';
import { clientUrl } from '../urls.js';
import { clientToForm, formToInput, formValues } from './client-form.js';

type FormProps = Omit<Parameters<typeof ClientFormPage>[0], 'ctx' | 'groups'>;

/** The ids the new-client form hands out: UUIDs, as the agent assigns. */
const DRAFT_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
/** The page an htmx request came from (its path), '' when not said. */
const currentPath = (c: Context) => {
  const url = c.req.header('hx-current-url') ?? '';
  return URL.canParse(url) ? new URL(url).pathname : '';
};
const newForm = (values: FormValues): FormProps => ({ action: '/clients', values, errors: [], etag: null, clientId: null, banner: null, cancel: '/' });

/** /clients: a client's card, the new and edit forms, delete, and printing the client's card. */
export function clientPages(deps: Pick<Services, 'directory' | 'print' | 'config'> & PageDeps) {
  const { directory, print, config, ctx, staff, page } = deps;
  const app = new Hono();
  app.use('*', staff);
  const formPage = (c: Context, status: 200 | 409 | 412 | 422, props: FormProps) =>
    c.html(page(<ClientFormPage ctx={ctx} groups={directory.listGroups()} {...props} />), status);
  const refused = (c: Context, props: FormProps, errors: FieldError[]) => formPage(c, 422, { ...props, errors, banner: 'invalid' });
  const undo = new UndoShelf<Client>();

  // A new form is named by the id its client will have (a one-time token): submitting it again
  // (Back, a double click, a reload) finds that client instead of making a second one. The id is
  // in the URL, so Back comes to the same form, not a fresh one.
  app.get('/new', (c) => {
    const reference = (c.req.query('reference') ?? '').slice(0, 64);
    const draft = c.req.query('draft') ?? '';
    if (!DRAFT_ID.test(draft)) {
      const query = new URLSearchParams({ ...(reference ? { reference } : {}), draft: randomUUID() });
      return c.redirect(`/clients/new?${query.toString()}`, 302);
    }
    const made = directory.findById(draft);
    const values = { kind: 'person', country: 'CH', reference, id: draft };
    return formPage(c, 200, { ...newForm(values), made: made ? { id: made.id, name: displayName(made) } : null });
  });

  app.post('/', async (c) => {
    const values = await formValues(c);
    const form = newForm(values);
    const id = DRAFT_ID.test(values.id ?? '') ? values.id : undefined;
    const made = id === undefined ? null : directory.findById(id);
    if (made) return c.redirect(clientUrl(made.id), 303); // this form was saved already
    const parsed = clientCreateSchema.safeParse({ ...formToInput(values), id });
    if (!parsed.success) return refused(c, form, fieldErrors(parsed.error.issues));
    const ruleErrors = directory.clientRuleErrors(parsed.data);
    if (ruleErrors.length) return refused(c, form, ruleErrors);
    // "Créer quand même" posts the same form with force: staff saw the look-alikes and chose.
    if (values.force !== '1') {
      const duplicates = likelyDuplicates(directory, parsed.data);
      if (duplicates.length) return formPage(c, 409, { ...form, duplicates });
    }
    try {
      const client = await directory.createClient(parsed.data);
      return c.redirect(clientUrl(client.id), 303);
    } catch (err) {
      if (isKind(err, 'exists') && id !== undefined) return c.redirect(clientUrl(id), 303); // the same form, twice at once
      if (err instanceof AgentError && err.errors) return refused(c, form, err.errors);
      throw err;
    }
  });

  app.get('/:id/edit', (c) => {
    const client = directory.findById(c.req.param('id'));
    if (!client) throw notFound('Client', c.req.param('id'));
    const action = clientUrl(client.id);
    return formPage(c, 200, { action, values: clientToForm(client), errors: [], etag: client.etag, clientId: client.id, banner: null, cancel: action });
  });

  app.post('/:id', async (c) => {
    const id = c.req.param('id');
    const values = await formValues(c);
    const etag = values.etag ?? null;
    const action = clientUrl(id);
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

  // htmx deletes a row (or the card): the row goes, the card says so; either way a message offers
  // "Annuler" for 10 s. The delete is durable at once; undoing it is a new edit (restoreClient).
  app.delete('/:id', async (c) => {
    let deleted: Client | null = null;
    try {
      deleted = await directory.deleteClient(c.req.param('id'));
    } catch (err) {
      if (!isKind(err, 'not-found')) throw err; // already gone: same result, nothing to undo
    }
    const onCard = currentPath(c) !== '/';
    return c.html(
      <>
        {onCard && <ClientGone ctx={ctx} />}
        {deleted && (
          <OobToast timeoutMs={UNDO_SHOWN_MS}>
            <UndoDelete ctx={ctx} name={displayName(deleted)} token={undo.keep(deleted)} />
          </OobToast>
        )}
      </>,
    );
  });

  app.post('/undo/:token', async (c) => {
    const deleted = undo.take(c.req.param('token'));
    const said = (text: string, tone?: 'error') => c.html(<Toast tone={tone}><p>{text}</p></Toast>);
    if (!deleted) return said(ctx.t('undo.tooLate'), 'error');
    try {
      const client = await directory.restoreClient(deleted);
      if (currentPath(c) === clientUrl(client.id)) c.header('HX-Refresh', 'true'); // the card comes back
      return said(ctx.t('undo.done', { name: displayName(client) }));
    } catch (err) {
      if (isKind(err, 'exists')) return said(ctx.t('undo.exists'), 'error');
      if (err instanceof AgentError && err.errors) return said(`${ctx.t('undo.refused')} ${err.errors.map((e) => ruleMessage(ctx.t, e)).join(' ')}`, 'error');
      throw err;
    }
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
