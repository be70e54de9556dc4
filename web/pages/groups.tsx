import type { FieldError } from '../../agent/errors.js';
import type { GroupOut } from '../../agent/directory/schema.js';
import { formatPercent } from '../../agent/format.js';
import { ruleMessage } from '../i18n/translator.js';
import { Layout } from '../layout.js';
import type { PageContext } from '../page-context.js';
import { Table } from '../partials/table.js';
import { DeleteButton } from '../partials/delete-button.js';

export interface GroupFormState {
  /** The group edited, or null for the "new group" form. */
  group: GroupOut | null;
  values: { name: string; discountPercent: string };
  errors: FieldError[];
  banner: 'invalid' | 'stale' | null;
}

/** Clients > Groupes: every group with its discount and number of clients; the "new group" form. */
export function GroupsPage(props: { ctx: PageContext; groups: GroupOut[]; form: GroupFormState }) {
  const { ctx, groups } = props;
  const t = ctx.t;
  return (
    <Layout ctx={ctx} title={t('groups.title')} current="groups">
      <h1>{t('groups.title')}</h1>
      <div id="group-dialog" aria-live="polite"></div>
      {groups.length === 0 ? (
        <p class="empty">{t('groups.empty')}</p>
      ) : (
        <Table
          class="results groups"
          columns={[
            { label: t('groups.col.name') },
            { label: t('groups.col.discount'), class: 'num' },
            { label: t('groups.col.clients'), class: 'num' },
            { label: t('action.edit'), hidden: true },
          ]}
        >
          {groups.map((g) => (
            <tr data-group-id={g.id}>
              <td class="name">{g.name}</td>
              <td class="num">{formatPercent(g.discountPercent, { spaced: true })}</td>
              <td class="num" data-count>
                {String(g.clientCount)}
              </td>
              <td class="actions-cell">
                <div class="row-actions">
                <a class="button secondary small" href={`/groups/${encodeURIComponent(g.id)}/edit`} aria-label={`${t('action.edit')} ${g.name}`}>
                  {t('action.edit')}
                </a>
                <DeleteButton
                  ctx={ctx}
                  url={`/groups/${encodeURIComponent(g.id)}`}
                  name={g.name}
                  confirm={t('confirm.deleteGroup', { name: g.name })}
                  target="closest tr"
                />
              </div>
              </td>
            </tr>
          ))}
        </Table>
      )}
      <h2>{t('groups.new')}</h2>
      <GroupForm ctx={ctx} form={props.form} />
    </Layout>
  );
}

/** Editing one group (rename, change the discount). */
export function GroupEditPage(props: { ctx: PageContext; form: GroupFormState }) {
  const t = props.ctx.t;
  return (
    <Layout ctx={props.ctx} title={t('groups.edit')} current="groups">
      <p>
        <a class="back" href="/groups">
          {t('groups.back')}
        </a>
      </p>
      <h1>{t('groups.edit')}</h1>
      <GroupForm ctx={props.ctx} form={props.form} />
    </Layout>
  );
}

function GroupForm(props: { ctx: PageContext; form: GroupFormState }) {
  const { ctx, form } = props;
  const t = ctx.t;
  const errorOf = (name: string) => {
    const e = form.errors.find((x) => x.path === name);
    return e ? ruleMessage(t, e) : null;
  };
  const action = form.group ? `/groups/${encodeURIComponent(form.group.id)}` : '/groups';
  const field = (name: 'name' | 'discountPercent', label: string, attrs: Record<string, string>) => (
    <div class={errorOf(name) ? 'field invalid' : 'field'}>
      <label for={`g-${name}`}>{label}</label>
      <input id={`g-${name}`} name={name} type="text" value={form.values[name]} aria-invalid={errorOf(name) ? 'true' : undefined} {...attrs} />
      {errorOf(name) && <p class="error">{errorOf(name)}</p>}
    </div>
  );
  return (
    <form method="post" action={action} class="client-form group-form" data-guard={form.banner === 'invalid' ? 'unsaved' : ''}>
      {form.banner === 'invalid' && (
        <p class="banner error" role="alert">
          {t('groups.invalid')}
        </p>
      )}
      {form.banner === 'stale' && (
        <div class="banner error" role="alert">
          <p>{t('groups.stale')}</p>
          <a class="button secondary small" href={`${action}/edit`}>
            {t('form.reload')}
          </a>
        </div>
      )}
      {form.group && <input type="hidden" name="etag" value={form.group.etag} />}
      <div class="grid">
        {field('name', t('groups.name'), { maxlength: '60', required: '' })}
        {field('discountPercent', t('groups.discount'), { inputmode: 'decimal' })}
      </div>
      <div class="actions">
        <button type="submit" class="button">
          {form.group ? t('form.save') : t('groups.add')}
        </button>
        {form.group && (
          <a href="/groups" class="button secondary">
            {t('form.cancel')}
          </a>
        )}
      </div>
    </form>
  );
}

/**
 * The answer to deleting a group that still has clients: refused, with the count, and the offer to
 * move them to another group (or none) and delete, confirmed by one button.
 */
export function GroupInUseDialog(props: { ctx: PageContext; group: GroupOut; others: GroupOut[] }) {
  const { ctx, group: g } = props;
  const t = ctx.t;
  const n = g.clientCount;
  return (
    <section class="dialog" role="alertdialog" aria-labelledby="in-use-title">
      <h2 id="in-use-title">{t(n === 1 ? 'groups.inUse.one' : 'groups.inUse.other', { name: g.name, n })}</h2>
      <form method="post" action={`/groups/${encodeURIComponent(g.id)}/move-and-delete`}>
        <input type="hidden" name="etag" value={g.etag} />
        <div class="field">
          <label for="move-to">{t('groups.moveTo')}</label>
          <select id="move-to" name="to" autofocus>
            <option value="">{t('client.groupNone')}</option>
            {props.others.map((o) => (
              <option value={o.id}>{`${o.name} (${t('client.discount', { p: o.discountPercent })})`}</option>
            ))}
          </select>
        </div>
        <div class="actions">
          <button type="submit" class="button danger">
            {t(n === 1 ? 'groups.moveAndDelete.one' : 'groups.moveAndDelete.other', { n })}
          </button>
          <button type="button" class="button secondary" data-dismiss=".dialog">
            {t('form.cancel')}
          </button>
        </div>
      </form>
    </section>
  );
}
