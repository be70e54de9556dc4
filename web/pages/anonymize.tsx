import { ANONYMOUS_NAMES, isAnonymous, type Locale } from '../../agent/directory/care.js';
import { displayName } from '../../agent/directory/directory.js';
import type { ClientOut } from '../../agent/directory/schema.js';
import { formatMoney } from '../../agent/format.js';
import { countryName } from '../countries.js';
import { Layout } from '../layout.js';
import { clientUrl } from '../urls.js';
import type { PageContext } from '../page-context.js';

/**
 * "Anonymiser": before anything is erased, staff see what stays (what the books need) and what
 * goes (everything that says who the client is), with this client's own values, and confirm.
 */
export function AnonymizePage(props: { ctx: PageContext; client: ClientOut; stale?: boolean }) {
  const { ctx, client: c } = props;
  const name = displayName(c);
  const card = clientUrl(c.id);
  const labels = ANONYMOUS_NAMES[(ctx.lang in ANONYMOUS_NAMES ? ctx.lang : 'fr') as Locale];
  const label = c.kind === 'company' ? labels.companyName : `${labels.firstName} ${labels.lastName}`;
  const a = c.address;
  const dash = (v: string | null | undefined) => v || '—';
  const names = c.kind === 'company' ? [c.companyName, [c.civility, c.firstName, c.lastName].filter(Boolean).join(' ')] : [[c.civility, c.firstName, c.lastName].filter(Boolean).join(' '), c.companyName];
  const stays: Array<[string, string]> = [
    [ctx.t('care.anon.id'), c.id],
    [ctx.t('form.kind'), ctx.t(c.kind === 'company' ? 'client.kind.company' : 'client.kind.person')],
    [ctx.t('client.account'), dash(c.accountNumber)],
    [ctx.t('client.group'), c.group ? c.group.name : ctx.t('client.groupNone')],
    [ctx.t('client.balances'), `${ctx.t('client.accountBalance')} ${formatMoney(c.accountBalance)} · ${ctx.t('client.walletBalance')} ${formatMoney(c.walletBalance)}`],
    [ctx.t('form.country'), countryName(a.country, ctx.lang)],
  ];
  const goes: Array<[string, string]> = [
    [ctx.t('care.anon.names'), dash(names.filter(Boolean).join('\n'))],
    [ctx.t('client.address'), dash([a.street, a.street2, [a.postalCode, a.city].filter(Boolean).join(' ')].filter(Boolean).join('\n'))],
    [ctx.t('client.phone'), dash(c.phone)],
    [ctx.t('client.email'), dash(c.email)],
    [ctx.t('client.notes'), dash(c.notes)],
    [ctx.t('client.reference'), dash(c.reference)],
  ];
  const done = isAnonymous(c);
  return (
    <Layout ctx={ctx} title={`${ctx.t('care.anon.title', { name })} — ${ctx.t('client.title')}`} current="directory">
      <p>
        <a class="back" href={card}>
          {ctx.t('care.backToCard')}
        </a>
      </p>
      <h1>{ctx.t('care.anon.title', { name })}</h1>
      {props.stale && (
        <div class="banner" role="alert">
          <p>{ctx.t('care.anon.stale')}</p>
        </div>
      )}
      {done ? (
        <p class="banner info">{ctx.t('care.anon.already')}</p>
      ) : (
        <p class="care-intro">{ctx.t('care.anon.intro')}</p>
      )}
      <div class="care-columns">
        <section class="panel care-goes" aria-labelledby="anon-goes">
          <h2 id="anon-goes">{ctx.t('care.anon.goes')}</h2>
          <dl class="facts">
            {goes.map(([k, v]) => (
              <>
                <dt>{k}</dt>
                <dd class="multiline">{v}</dd>
              </>
            ))}
          </dl>
          <p class="sub">{ctx.t('care.anon.newName', { label })}</p>
        </section>
        <section class="panel care-stays" aria-labelledby="anon-stays">
          <h2 id="anon-stays">{ctx.t('care.anon.stays')}</h2>
          <dl class="facts">
            {stays.map(([k, v]) => (
              <>
                <dt>{k}</dt>
                <dd>{v}</dd>
              </>
            ))}
          </dl>
        </section>
      </div>
      <form method="post" action={`${card}/anonymize`} class="actions">
        <input type="hidden" name="etag" value={c.etag} />
        {!done && (
          <button type="submit" class="button danger">
            {ctx.t('care.anon.confirm')}
          </button>
        )}
        <a class="button secondary" href={card}>
          {ctx.t('care.anon.cancel')}
        </a>
      </form>
    </Layout>
  );
}
