import { type Context, Hono } from 'hono';
import type { Directory } from '../../agent/directory/directory.js';
import { groupCreateSchema, groupPatchSchema, type GroupOut } from '../../agent/directory/schema.js';
import { AgentError, type FieldError, fieldErrors, isKind } from '../../agent/errors.js';
import type { Services } from '../../agent/services.js';
import type { PageDeps } from '../page-context.js';
import { GroupEditPage, type GroupFormState, GroupInUseDialog, GroupsPage } from '../pages/groups.js';

/** /groups: list, create, edit, delete groups; a group in use is emptied into another one first. */
export function groupPages(deps: Pick<Services, 'directory'> & PageDeps) {
  const { directory, ctx, staff, page } = deps;
  const app = new Hono();
  app.use('*', staff);

  const emptyForm: GroupFormState = { group: null, values: { name: '', discountPercent: '0' }, errors: [], banner: null };
  const list = (c: Context, form: GroupFormState, status: 200 | 422 = 200) =>
    c.html(page(<GroupsPage ctx={ctx} groups={directory.listGroups()} form={form} />), status);
  const edit = (c: Context, form: GroupFormState, status: 200 | 404 | 412 | 422 = 200) => c.html(page(<GroupEditPage ctx={ctx} form={form} />), status);
  const gone = (c: Context) => c.redirect('/groups', 303);

  app.get('/', (c) => list(c, emptyForm));

  app.post('/', async (c) => {
    const values = await formValues(c);
    const fail = (errors: FieldError[]) => list(c, { group: null, values, errors, banner: 'invalid' }, 422);
    const { input, errors } = parseGroupForm(values);
    const parsed = groupCreateSchema.safeParse(input);
    if (!parsed.success || errors.length) return fail(allErrors(errors, parsed.error?.issues, directory.groupNameErrors(values.name)));
    try {
      await directory.createGroup(parsed.data);
    } catch (err) {
      if (err instanceof AgentError && err.errors) return fail(err.errors);
      throw err;
    }
    return c.redirect('/groups', 303);
  });

  app.get('/:id/edit', (c) => {
    const group = findGroup(directory, c.req.param('id'));
    if (!group) return gone(c);
    return edit(c, { group, values: { name: group.name, discountPercent: String(group.discountPercent) }, errors: [], banner: null });
  });

  app.post('/:id', async (c) => {
    const group = findGroup(directory, c.req.param('id'));
    if (!group) return gone(c);
    const values = await formValues(c);
    const etag = values.etag ?? null;
    // The form's etag, so a form left open while someone else changed the group is refused.
    const shown: GroupOut = etag ? { ...group, etag } : group;
    const fail = (errors: FieldError[]) => edit(c, { group: shown, values, errors, banner: 'invalid' }, 422);
    const { input, errors } = parseGroupForm(values);
    const parsed = groupPatchSchema.safeParse(input);
    if (!parsed.success || errors.length) return fail(allErrors(errors, parsed.error?.issues, directory.groupNameErrors(values.name, group.id)));
    try {
      await directory.updateGroup(group.id, parsed.data, etag);
    } catch (err) {
      if (isKind(err, 'stale')) return edit(c, { group: shown, values, errors: [], banner: 'stale' }, 412);
      if (err instanceof AgentError && err.errors) return fail(err.errors);
      throw err;
    }
    return c.redirect('/groups', 303);
  });

  // htmx, after the browser's confirmation: an empty group goes (its row with it); a group in use
  // is refused, and the answer is the dialog that offers to move its clients, shown above the list.
  app.delete('/:id', async (c) => {
    const group = findGroup(directory, c.req.param('id'));
    if (!group) return c.body('', 200);
    if (group.clientCount > 0) {
      c.header('HX-Retarget', '#group-dialog');
      c.header('HX-Reswap', 'innerHTML');
      const others = directory.listGroups().filter((g) => g.id !== group.id);
      return c.html(<GroupInUseDialog ctx={ctx} group={group} others={others} />, 200);
    }
    try {
      await directory.deleteGroup(group.id);
    } catch (err) {
      if (!isKind(err, 'not-found')) throw err;
    }
    return c.body('', 200);
  });

  app.post('/:id/move-and-delete', async (c) => {
    const values = await formValues(c);
    const to = values.to ? values.to : null;
    try {
      await directory.deleteGroupMovingClients(c.req.param('id'), to, values.etag ?? null);
    } catch (err) {
      // Gone, changed or the target vanished meanwhile: the list shows where things stand now.
      if (!isKind(err, 'not-found', 'stale', 'invalid')) throw err;
    }
    return c.redirect('/groups', 303);
  });
  return app;
}

/** Every problem of the form at once: the discount typed, the schema, and the name rules; one per field. */
function allErrors(typed: FieldError[], issues: Parameters<typeof fieldErrors>[0] | undefined, rules: FieldError[]): FieldError[] {
  const out: FieldError[] = [];
  for (const e of [...typed, ...(issues ? fieldErrors(issues) : []), ...rules]) {
    if (!out.some((o) => o.path === e.path)) out.push(e);
  }
  return out;
}

function findGroup(directory: Directory, id: string): GroupOut | null {
  try {
    return directory.getGroup(id);
  } catch {
    return null;
  }
}

interface GroupFormValues {
  name: string;
  discountPercent: string;
  etag?: string;
  to?: string;
}

async function formValues(c: Context): Promise<GroupFormValues> {
  const body = await c.req.parseBody();
  const text = (name: string) => {
    const v = body[name];
    return typeof v === 'string' ? v : undefined;
  };
  return { name: text('name') ?? '', discountPercent: text('discountPercent') ?? '', etag: text('etag'), to: text('to') };
}

/** "12,5" and "12.5 %" are what staff type for 12.5 %; empty is no discount. */
function parseGroupForm(v: GroupFormValues): { input: { name: string; discountPercent?: number }; errors: FieldError[] } {
  const raw = v.discountPercent.replace('%', '').replace(',', '.').trim();
  const discountPercent = raw === '' ? 0 : Number(raw);
  if (!Number.isFinite(discountPercent)) {
    return { input: { name: v.name }, errors: [{ path: 'discountPercent', message: 'expected a number from 0 to 100', code: 'discount-invalid' }] };
  }
  return { input: { name: v.name, discountPercent }, errors: [] };
}
