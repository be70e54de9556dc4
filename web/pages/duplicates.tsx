import { displayName } from '../../agent/directory/directory.js';
import type { DuplicatePair } from '../../agent/directory/duplicates.js';
import { formatPhone } from '../../agent/directory/normalize.js';
import type { ClientOut } from '../../agent/directory/schema.js';
import { formatCount } from '../../agent/format.js';
import { Layout } from '../layout.js';
import type { PageContext } from '../page-context.js';
import { reasonsText } from '../partials/duplicate-words.js';
import { clientUrl } from '../urls.js';

export interface DuplicatesView {
  items: DuplicatePair[];
  total: number;
  clientCount: number;
  /** The next page size ("Afficher plus"), or null when every pair is shown. */
  more: number | null;
}

/**
 * "Doublons": the likely pairs of the whole directory, the surest first, each with why and a way
 * to merge them (the merge page, with the pair chosen; the client that must stay first).
 */
export function DuplicatesPage(props: { ctx: PageContext; view: DuplicatesView }) {
  const { ctx, view } = props;
  return (
    <Layout ctx={ctx} title={ctx.t('dups.title')} current="directory">
      <p>
        <a class="back" href="/">
          {ctx.t('client.back')}
        </a>
      </p>
      <h1>{ctx.t('dups.title')}</h1>
      <p class="care-intro">{ctx.t('dups.intro')}</p>
      {view.total === 0 ? (
        <p class="empty">{ctx.t('dups.none', { n: formatCount(view.clientCount) })}</p>
      ) : (
        <>
          <p class="count">{view.total === 1 ? ctx.t('dups.count.one') : ctx.t('dups.count', { n: formatCount(view.total) })}</p>
          <ol class="pairs">
            {view.items.map((p) => (
              <PairItem ctx={ctx} pair={p} />
            ))}
          </ol>
          {view.more !== null && (
            <p>
              <a class="button secondary" href={`/duplicates?${new URLSearchParams({ limit: String(view.more) }).toString()}`}>
                {ctx.t('dups.more')}
              </a>
            </p>
          )}
        </>
      )}
    </Layout>
  );
}

function PairItem(props: { ctx: PageContext; pair: DuplicatePair }) {
  const { ctx, pair } = props;
  const [a, b] = pair.clients;
  const [staying, going] = whichStays(a, b);
  return (
    <li class="pair">
      <p class="pair-reasons">{reasonsText(ctx.t, pair.reasons)}</p>
      <div class="pair-clients">
        <PairClient ctx={ctx} client={a} />
        <PairClient ctx={ctx} client={b} />
      </div>
      <p class="pair-actions">
        <a class="button" href={`${clientUrl(staying.id)}/merge?${new URLSearchParams({ from: going.id }).toString()}`}>
          {ctx.t('dups.merge')}
        </a>
      </p>
    </li>
  );
}

function PairClient(props: { ctx: PageContext; client: ClientOut }) {
  const { ctx, client: c } = props;
  const place = [[c.address.postalCode, c.address.city].filter(Boolean).join(' '), c.address.street].filter(Boolean).join(' · ');
  return (
    <div class="pair-client">
      <a class="name" href={clientUrl(c.id)}>
        {displayName(c)}
      </a>
      {c.kind === 'company' && (c.firstName || c.lastName) && <div class="sub">{[c.firstName, c.lastName].filter(Boolean).join(' ')}</div>}
      {place && <div>{place}</div>}
      {c.phone && <div>{formatPhone(c.phone, ctx.country)}</div>}
      {c.email && <div>{c.email}</div>}
      {c.reference && <div>{`${ctx.t('directory.col.reference')} ${c.reference}`}</div>}
    </div>
  );
}

/**
 * The merge the link proposes: a client with a balance stays (the agent never deletes one with a
 * balance), else the one with an account number (the books name it), else the first. The merge page
 * can swap them.
 */
function whichStays(a: ClientOut, b: ClientOut): [ClientOut, ClientOut] {
  const weight = (c: ClientOut) => (c.accountBalance !== 0 || c.walletBalance !== 0 ? 2 : 0) + (c.accountNumber ? 1 : 0);
  return weight(b) > weight(a) ? [b, a] : [a, b];
}
