import { displayName } from '../../agent/directory/directory.js';
import { formatPhone, phoneNeedsChecking } from '../../agent/directory/normalize.js';
import type { ClientOut } from '../../agent/directory/schema.js';
import { formatDateTime, formatMoney } from '../../agent/format.js';
import { countryName } from '../countries.js';
import { DeleteClientButton } from '../partials/delete-button.js';
import { Layout } from '../layout.js';
import type { PageContext } from '../page-context.js';

/** One client's card: everything the directory holds, balances read-only (the back-office owns them). */
export function ClientPage(props: { ctx: PageContext; client: ClientOut }) {
  const { ctx, client: c } = props;
  return (
    <Layout ctx={ctx} title={`${displayName(c)} — ${ctx.t('client.title')}`} current="directory">
      <p>
        <a class="back" href="/">
          {ctx.t('client.back')}
        </a>
      </p>
      {/* A stable element holds the live refresh: swapping its content never loses the event listener. */}
      <div id="card" {...liveCard(c.id)}>
        <ClientCard ctx={ctx} client={c} />
      </div>
    </Layout>
  );
}

/** The card alone: what the page reloads when the directory changes (an edit elsewhere, a group renamed). */
export function ClientCard(props: { ctx: PageContext; client: ClientOut }) {
  const { ctx, client: c } = props;
  const a = c.address;
  const contact = c.kind === 'company' ? [c.civility, c.firstName, c.lastName].filter(Boolean).join(' ') : '';
  // a number that cannot be one was saved as typed (never refused): said where staff read it
  const phoneWarning = c.phone && phoneNeedsChecking(c.phone, ctx.country) ? ctx.t('rule.phone-impossible', { country: countryName(ctx.country, ctx.lang) }) : null;
  const rows: Array<[string, string, string?]> = [
    [ctx.t('client.address'), [a.street, a.street2, [a.postalCode, a.city].filter(Boolean).join(' '), a.country === 'CH' ? '' : countryName(a.country, ctx.lang)].filter(Boolean).join('\n')],
    [ctx.t('client.phone'), c.phone ? formatPhone(c.phone, ctx.country) : '', phoneWarning ?? undefined],
    [ctx.t('client.email'), c.email ?? ''],
    [ctx.t('client.reference'), c.reference ?? ''],
    [ctx.t('client.account'), c.accountNumber ?? ''],
  ];
  return (
      <article class="client" data-client-id={c.id}>
        <h1>{displayName(c)}</h1>
        {/* The everyday actions together; delete on its own, at the far end. */}
        <div class="card-actions">
          <a href={`/clients/${encodeURIComponent(c.id)}/edit`} class="button">
            {ctx.t('action.edit')}
          </a>
          <button type="button" class="button secondary" hx-post={`/clients/${encodeURIComponent(c.id)}/print`} hx-target="next .print-status" hx-swap="innerHTML">
            {ctx.t('client.print')}
          </button>
          <span class="print-status" role="status"></span>
          <a href={`/clients/${encodeURIComponent(c.id)}/merge`} class="button secondary">
            {ctx.t('care.mergeWith')}
          </a>
          <a href={`/clients/${encodeURIComponent(c.id)}/anonymize`} class="button secondary">
            {ctx.t('care.anonymize')}
          </a>
          <span class="card-delete">
            <DeleteClientButton ctx={ctx} id={c.id} name={displayName(c)} target="article.client" labelled />
          </span>
        </div>
        <p class="sub">{ctx.t(c.kind === 'company' ? 'client.kind.company' : 'client.kind.person')}</p>
        <dl>
          {contact && (
            <>
              <dt>{ctx.t('client.contact')}</dt>
              <dd>{contact}</dd>
            </>
          )}
          {rows.map(([label, value, warning]) => (
            <>
              <dt>{label}</dt>
              <dd class="multiline">
                {value || '—'}
                {warning && <span class="field-warning">{warning}</span>}
              </dd>
            </>
          ))}
          <dt>{ctx.t('client.group')}</dt>
          <dd>{c.group ? `${c.group.name} (${ctx.t('client.discount', { p: c.group.discountPercent })})` : ctx.t('client.groupNone')}</dd>
          {c.notes && (
            <>
              <dt>{ctx.t('client.notes')}</dt>
              <dd class="multiline">{c.notes}</dd>
            </>
          )}
        </dl>
        <p class="sub" data-updated>{ctx.t('client.updated', { at: formatDateTime(c.updatedAt, ctx.lang) })}</p>
        <h2>{ctx.t('client.balances')}</h2>
        <dl class="balances">
          <dt>{ctx.t('client.accountBalance')}</dt>
          <dd data-balance="account">{formatMoney(c.accountBalance)}</dd>
          <dt>{ctx.t('client.walletBalance')}</dt>
          <dd data-balance="wallet">{formatMoney(c.walletBalance)}</dd>
        </dl>
      </article>
  );
}

const liveCard = (id: string) => ({
  'hx-get': `/clients/${encodeURIComponent(id)}`,
  'hx-trigger': 'sse:directory delay:300ms',
  'hx-swap': 'innerHTML',
});

/** In place of the card when the client was deleted while on screen. */
export function ClientGone(props: { ctx: PageContext }) {
  return (
    <article class="client gone">
      <p class="empty">{props.ctx.t('client.deleted')}</p>
      <p>
        <a class="back" href="/">
          {props.ctx.t('client.back')}
        </a>
      </p>
    </article>
  );
}

/** The message after a delete: what went, and "Annuler" (10 s) to bring it back as it was. */
export function UndoDelete(props: { ctx: PageContext; name: string; token: string }) {
  const t = props.ctx.t;
  return (
    <>
      <p>{t('undo.deleted', { name: props.name })}</p>
      <button type="button" class="button small" data-undo="" hx-post={`/clients/undo/${encodeURIComponent(props.token)}`} hx-target="closest .toast" hx-swap="outerHTML">
        {t('undo.action')}
      </button>
    </>
  );
}
