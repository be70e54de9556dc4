import type { ClientOut } from '../../agent/directory/schema.js';
import { displayName } from '../../agent/directory/directory.js';
import { formatPhone } from '../../agent/directory/normalize.js';
import { formatCount, formatPercent } from '../../agent/format.js';
import { Layout } from '../layout.js';
import type { PageContext } from '../page-context.js';
import { DeleteClientButton } from '../partials/delete-button.js';
import { Table } from '../partials/table.js';

export interface DirectoryView {
  q: string;
  items: ClientOut[];
  next: string | null;
  total: number;
}

/** Clients > Répertoire: the search box (results as you type) and the results. */
export function DirectoryPage(props: { ctx: PageContext; view: DirectoryView }) {
  const { ctx, view } = props;
  return (
    <Layout ctx={ctx} title={ctx.t('directory.title')} current="directory">
      <h1>{ctx.t('directory.title')}</h1>
      <div class="toolbar">
        <label class="search">
          <span class="visually-hidden">{ctx.t('directory.search')}</span>
          <input
            type="search"
            name="q"
            value={view.q}
            autofocus
            autocomplete="off"
            placeholder={ctx.t('directory.searchHint')}
            aria-label={ctx.t('directory.search')}
            hx-get="/"
            hx-trigger="input changed delay:150ms, search"
            hx-target="#results"
            hx-push-url="true"
            hx-indicator="#searching"
          />
        </label>
        <span id="searching" class="search-indicator">
          {ctx.t('directory.searching')}
        </span>
        <a href="/clients/new" class="button">
          {ctx.t('action.new')}
        </a>
        <a href="/duplicates" class="button secondary">
          {ctx.t('dups.link')}
        </a>
        <a href="/clients/import" class="button secondary">
          {ctx.t('import.link')}
        </a>
      </div>
      {/* Changes made elsewhere (the till, another page, sync) refresh the results, once per burst. */}
      {/* How many rows are shown (app.js keeps it): a refresh draws as many again, not the first 25. */}
      <input type="hidden" name="shown" value={view.items.length > 25 ? String(view.items.length) : ''} />
      <div id="results" hx-get="/" hx-trigger="sse:directory delay:300ms" hx-include="[name='q'],[name='shown']" hx-disinherit="*">
        <DirectoryResults ctx={ctx} view={view} />
      </div>
    </Layout>
  );
}

/** The results partial: what an htmx search request gets back. */
export function DirectoryResults(props: { ctx: PageContext; view: DirectoryView }) {
  const { ctx, view } = props;
  if (view.items.length === 0) {
    return <p class="empty">{view.q ? ctx.t('directory.none', { q: view.q }) : ctx.t('directory.empty')}</p>;
  }
  return (
    <>
      {!view.q && <p class="count">{view.total === 1 ? ctx.t('directory.count.one') : ctx.t('directory.count', { n: formatCount(view.total) })}</p>}
      <Table
        class="results directory"
        columns={[
          { label: ctx.t('directory.col.name'), primary: true },
          { label: ctx.t('directory.col.city'), class: 'col-city' },
          { label: ctx.t('directory.col.phone'), class: 'col-phone' },
          { label: ctx.t('directory.col.reference'), class: 'col-ref' },
          { label: ctx.t('directory.col.group'), class: 'col-group' },
          { label: ctx.t('action.delete'), class: 'col-actions', hidden: true },
        ]}
      >
        <DirectoryRows ctx={ctx} view={view} />
      </Table>
    </>
  );
}

/** Rows of results, ending with a "more results" row that fetches the next page in its place. */
export function DirectoryRows(props: { ctx: PageContext; view: DirectoryView }) {
  const { ctx, view } = props;
  const more = view.next ? `/?${new URLSearchParams({ q: view.q, cursor: view.next }).toString()}` : null;
  return (
    <>
          {view.items.map((c) => (
            <tr data-client-id={c.id}>
              <td class="primary">
                <span class="name">
                  <a href={`/clients/${encodeURIComponent(c.id)}`}>{displayName(c)}</a>
                </span>
                {c.match === 'close' && <span class="badge close">{ctx.t('directory.close')}</span>}
                {c.kind === 'company' && (c.firstName || c.lastName) && (
                  <div class="sub">{[c.firstName, c.lastName].filter(Boolean).join(' ')}</div>
                )}
              </td>
              <td>{[c.address.postalCode, c.address.city].filter(Boolean).join(' ')}</td>
              <td class="col-phone">{c.phone ? formatPhone(c.phone, ctx.country) : ''}</td>
              <td class="col-ref">{c.reference ?? ''}</td>
              <td>{c.group ? <span class="badge">{`${c.group.name} −${formatPercent(c.group.discountPercent)}`}</span> : ''}</td>
              <td class="actions-cell">
                <div class="row-actions">
                  <a
                    class="icon-edit"
                    href={`/clients/${encodeURIComponent(c.id)}/edit`}
                    title={ctx.t('action.edit')}
                    aria-label={`${ctx.t('action.edit')} ${displayName(c)}`}
                  >
                    <svg viewBox="0 0 24 24" width="22" height="22" aria-hidden="true">
                      <path fill="currentColor" d="M3 17.25V21h3.75L17.8 9.94l-3.75-3.75L3 17.25zm17.7-10.2a1 1 0 0 0 0-1.41l-2.34-2.34a1 1 0 0 0-1.41 0l-1.83 1.83 3.75 3.75 1.83-1.83z" />
                    </svg>
                  </a>
                  <DeleteClientButton ctx={ctx} id={c.id} name={displayName(c)} target="closest tr" />
                </div>
              </td>
            </tr>
          ))}
          {more && (
            <tr class="more">
              <td colspan={6}>
                <button type="button" class="button secondary" hx-get={more} hx-target="closest tr" hx-swap="outerHTML">
                  {ctx.t('directory.more')}
                </button>
              </td>
            </tr>
          )}
    </>
  );
}
