import { balanceBlock, MERGE_PAGE_FIELDS, type MergePageField, type MergeSource, notesFitTogether, sameFieldValue } from '../../agent/directory/care.js';
import { displayName } from '../../agent/directory/directory.js';
import type { ClientOut } from '../../agent/directory/schema.js';
import type { FieldError } from '../../agent/errors.js';
import { formatDateTime, formatMoney } from '../../agent/format.js';
import { countryName } from '../countries.js';
import { type MessageKey, ruleMessage } from '../i18n/translator.js';
import { Layout } from '../layout.js';
import type { PageContext } from '../page-context.js';
import { clientUrl } from '../urls.js';
import { Table } from '../partials/table.js';

/**
 * Merging two clients, as staff do it: first find the other client (a search, as the directory's),
 * then the two side by side, field by field, a choice for each field that differs, and
 * "Fusionner". `/clients/{id}/merge?from={other}` opens the second step directly (the link a
 * "Doublons" list gives).
 */

const mergeUrl = (id: string, from?: string) => `${clientUrl(id)}/merge${from === undefined ? '' : `?${new URLSearchParams({ from }).toString()}`}`;

// ---- step 1: the other client --------------------------------------------------------------

export function MergePickPage(props: { ctx: PageContext; client: ClientOut; q: string; items: ClientOut[] }) {
  const { ctx, client: c } = props;
  const name = displayName(c);
  return (
    <Layout ctx={ctx} title={`${ctx.t('care.pick.title', { name })} — ${ctx.t('client.title')}`} current="directory">
      <p>
        <a class="back" href={clientUrl(c.id)}>
          {ctx.t('care.backToCard')}
        </a>
      </p>
      <h1>{ctx.t('care.pick.title', { name })}</h1>
      <p class="care-intro">{ctx.t('care.pick.intro', { name })}</p>
      {/* Works without script (Enter sends it); with htmx the results follow the typing. */}
      <form method="get" action={mergeUrl(c.id)} class="toolbar" role="search">
        <label class="search">
          <span class="visually-hidden">{ctx.t('care.pick.search')}</span>
          <input
            type="search"
            name="q"
            value={props.q}
            autofocus
            autocomplete="off"
            placeholder={ctx.t('directory.searchHint')}
            aria-label={ctx.t('care.pick.search')}
            // a scanned card goes into this box (not to that client's card): staff then look it up
            data-scan-target=""
            hx-get={mergeUrl(c.id)}
            hx-trigger="input changed delay:150ms, search"
            hx-target="#results"
            hx-swap="outerHTML"
            hx-push-url="true"
          />
        </label>
        <button type="submit" class="button secondary">
          {ctx.t('care.pick.submit')}
        </button>
      </form>
      <MergeCandidates ctx={ctx} client={c} q={props.q} items={props.items} />
    </Layout>
  );
}

/** The clients found, each a link to the side-by-side step; what an htmx search gets back. */
export function MergeCandidates(props: { ctx: PageContext; client: ClientOut; q: string; items: ClientOut[] }) {
  const { ctx, client, q, items } = props;
  return (
    <div id="results">
      {items.length === 0 ? (
        <p class="empty">{q ? ctx.t('care.pick.none', { q }) : ctx.t('care.pick.hint')}</p>
      ) : (
        <Table
          class="results directory merge-candidates"
          columns={[
            { label: ctx.t('directory.col.name'), primary: true },
            { label: ctx.t('directory.col.city') },
            { label: ctx.t('directory.col.phone'), class: 'col-phone' },
            { label: ctx.t('directory.col.reference'), class: 'col-ref' },
            { label: ctx.t('care.pick.choose'), hidden: true },
          ]}
        >
          {items.map((o) => (
            <tr data-client-id={o.id}>
              <td class="primary">
                <span class="name">
                  <a href={mergeUrl(client.id, o.id)}>{displayName(o)}</a>
                </span>
              </td>
              <td>{[o.address.postalCode, o.address.city].filter(Boolean).join(' ')}</td>
              <td class="col-phone">{o.phone ?? ''}</td>
              <td class="col-ref">{o.reference ?? ''}</td>
              <td class="actions-cell">
                <div class="row-actions">
                  <a class="button small secondary" href={mergeUrl(client.id, o.id)} aria-label={`${ctx.t('care.pick.choose')} ${displayName(o)}`}>
                    {ctx.t('care.pick.choose')}
                  </a>
                </div>
              </td>
            </tr>
          ))}
        </Table>
      )}
    </div>
  );
}

// ---- step 2: side by side ---------------------------------------------------------------------

export type MergeBanner = 'stale' | 'invalid' | null;

const FIELD_LABEL: Record<MergePageField, MessageKey> = {
  kind: 'form.kind',
  civility: 'form.civility',
  lastName: 'form.lastName',
  firstName: 'form.firstName',
  companyName: 'form.companyName',
  address: 'client.address',
  phone: 'client.phone',
  email: 'client.email',
  reference: 'client.reference',
  accountNumber: 'client.account',
  groupId: 'client.group',
  notes: 'client.notes',
};

/** A field as staff read it on the card ('' when empty). */
function shown(ctx: PageContext, c: ClientOut, field: MergePageField, groupName: (id: string) => string | null): string {
  switch (field) {
    case 'kind':
      return ctx.t(c.kind === 'company' ? 'client.kind.company' : 'client.kind.person');
    case 'address': {
      // as on the card: the country only when it is not Switzerland
      const a = c.address;
      return [a.street, a.street2, [a.postalCode, a.city].filter(Boolean).join(' '), a.country === 'CH' ? '' : countryName(a.country, ctx.lang)].filter(Boolean).join('\n');
    }
    case 'groupId':
      return c.groupId === null ? '' : (groupName(c.groupId) ?? c.groupId);
    default:
      return c[field] ?? '';
  }
}

/** What the merge page shows and posts back. */
export interface MergeView {
  staying: ClientOut;
  other: ClientOut;
  /** the choice for each differing field (the suggestion, or what staff chose before a refusal) */
  take: Partial<Record<MergePageField, MergeSource>>;
  banner: MergeBanner;
  errors: FieldError[];
}

export function MergePage(props: { ctx: PageContext; view: MergeView }) {
  const { ctx, view } = props;
  const groupName = ctx.groupName;
  const { staying: a, other: b } = view;
  const stay = displayName(a);
  const block = balanceBlock(a, b);
  const value = (text: string) => <span class={text ? 'value' : 'value empty-value'}>{text || ctx.t('care.empty')}</span>;
  return (
    <Layout ctx={ctx} title={`${ctx.t('care.merge.title')} — ${stay}`} current="directory">
      <p>
        <a class="back" href={clientUrl(a.id)}>
          {ctx.t('care.backToCard')}
        </a>
      </p>
      <h1>{ctx.t('care.merge.title')}</h1>
      {view.banner === 'stale' && (
        <div class="banner" role="alert">
          <p>{ctx.t('care.merge.stale')}</p>
        </div>
      )}
      {view.banner === 'invalid' && (
        <div class="banner" role="alert">
          <p>{ctx.t('care.merge.invalid')}</p>
          <ul class="care-errors">
            {view.errors.map((e) => {
              const field = e.path.replace(/^(merged|take)\./, '').split('.')[0] as MergePageField;
              return <li>{ctx.t('care.merge.error', { field: FIELD_LABEL[field] ? ctx.t(FIELD_LABEL[field]) : e.path, message: ruleMessage(ctx.t, e) })}</li>;
            })}
          </ul>
        </div>
      )}
      {block === 'both' && (
        <div class="banner" role="alert" data-blocked="both">
          <p>{ctx.t('care.merge.blocked.both')}</p>
        </div>
      )}
      {block === 'from' && (
        <div class="banner" role="alert" data-blocked="from">
          <p>{ctx.t('care.merge.blocked.from')}</p>
          <div class="banner-actions">
            <a class="button" href={mergeUrl(b.id, a.id)}>
              {ctx.t('care.merge.swap')}
            </a>
          </div>
        </div>
      )}
      <p class="care-intro">{ctx.t('care.merge.intro')}</p>
      <form method="post" action={mergeUrl(a.id)} class="merge" data-guard="">
        <input type="hidden" name="from" value={b.id} />
        <input type="hidden" name="etag" value={a.etag} />
        <input type="hidden" name="fromEtag" value={b.etag} />
        <div class="merge-grid">
          <div class="merge-head">
            <span>{ctx.t('care.merge.field')}</span>
            {[a, b].map((x, i) => (
              <span>
                <span class={i === 0 ? 'tag stays' : 'tag goes'}>{ctx.t(i === 0 ? 'care.merge.stays' : 'care.merge.goes')}</span> {displayName(x)}
                {/* two records often carry the same name: when each was last changed tells them apart */}
                <span class="sub merge-updated">{ctx.t('client.updated', { at: formatDateTime(x.updatedAt, ctx.lang) })}</span>
              </span>
            ))}
          </div>
          {MERGE_PAGE_FIELDS.map((field) => {
            const label = ctx.t(FIELD_LABEL[field]);
            const mine = shown(ctx, a, field, groupName);
            const theirs = shown(ctx, b, field, groupName);
            if (sameFieldValue(a, b, field)) {
              return (
                <div class="merge-row same" data-field={field}>
                  <span class="merge-label">{label}</span>
                  <span class="merge-same">
                    {value(mine)} <span class="tag same-tag">{ctx.t('care.merge.same')}</span>
                  </span>
                </div>
              );
            }
            const chosen = view.take[field] ?? 'id';
            const id = `merge-${field}`;
            return (
              <div class="merge-row" role="radiogroup" aria-labelledby={id} data-field={field}>
                <span class="merge-label" id={id}>
                  {label}
                </span>
                {(
                  [
                    ['id', 'care.merge.stays', mine],
                    ['from', 'care.merge.goes', theirs],
                  ] as const
                ).map(([source, which, shown]) => (
                  <label class="choice">
                    <input type="radio" name={`take.${field}`} value={source} checked={chosen === source} />
                    <span class="choice-text">
                      <span class="which">{ctx.t(which)}</span>
                      {value(shown)}
                    </span>
                  </label>
                ))}
                {field === 'notes' && notesFitTogether(a, b) && (
                  <label class="choice both">
                    <input type="radio" name="take.notes" value="both" checked={chosen === 'both'} />
                    <span class="choice-text">{ctx.t('care.merge.both')}</span>
                  </label>
                )}
              </div>
            );
          })}
          <div class="merge-row fixed" data-field="balances">
            <span class="merge-label">{ctx.t('client.balances')}</span>
            <span class="merge-balance">
              <span class="which">{ctx.t('care.merge.stays')}</span>
              {`${ctx.t('client.accountBalance')} ${formatMoney(a.accountBalance)} · ${ctx.t('client.walletBalance')} ${formatMoney(a.walletBalance)}`}
            </span>
            <span class="merge-balance">
              <span class="which">{ctx.t('care.merge.goes')}</span>
              {`${ctx.t('client.accountBalance')} ${formatMoney(b.accountBalance)} · ${ctx.t('client.walletBalance')} ${formatMoney(b.walletBalance)}`}
            </span>
            <span class="merge-note sub">{ctx.t('care.merge.balancesNote')}</span>
          </div>
        </div>
        <div class="actions">
          {block === null && (
            <button type="submit" class="button">
              {ctx.t('care.merge.submit')}
            </button>
          )}
          <a class="button secondary" href={clientUrl(a.id)}>
            {ctx.t('care.merge.cancel')}
          </a>
        </div>
      </form>
      <p class="care-links">
        {block === null && (
          <a class="back" href={mergeUrl(b.id, a.id)}>
            {ctx.t('care.merge.swap')}
          </a>
        )}
        <a class="back" href={mergeUrl(a.id)}>
          {ctx.t('care.merge.otherClient')}
        </a>
      </p>
    </Layout>
  );
}
