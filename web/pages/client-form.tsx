import type { FieldError } from '../../agent/errors.js';
import type { GroupOut } from '../../agent/directory/schema.js';
import { ruleMessage } from '../i18n/translator.js';
import { Layout } from '../layout.js';
import type { PageContext } from '../page-context.js';

/** The values of the form as typed (strings), so a refused form comes back as the person left it. */
export type FormValues = Record<string, string>;

export const FORM_FIELDS = [
  'kind', 'civility', 'lastName', 'firstName', 'companyName', 'street', 'street2', 'postalCode', 'city', 'country',
  'phone', 'email', 'reference', 'accountNumber', 'groupId', 'notes',
] as const;

const CIVILITIES: Record<string, string[]> = { fr: ['M.', 'Mme', 'Me', 'Dr'], de: ['Herr', 'Frau', 'Dr.'], en: ['Mr', 'Ms', 'Dr'] };

/** Create or edit a client: the API's rules, errors shown next to their field, nothing saved on error. */
export function ClientFormPage(props: {
  ctx: PageContext;
  action: string;
  values: FormValues;
  errors: FieldError[];
  groups: GroupOut[];
  etag: string | null;
  /** The client edited (the page warns when it changes elsewhere meanwhile); null for a new one. */
  clientId: string | null;
  banner: 'invalid' | 'stale' | null;
  cancel: string;
}) {
  const { ctx, values: v } = props;
  const errorOf = (name: string) => {
    const error = props.errors.find((e) => e.path === name || e.path === `address.${name}`);
    return error ? ruleMessage(ctx.t, error) : null;
  };
  const field = (name: (typeof FORM_FIELDS)[number], label: string, attrs: Record<string, string> = {}) => {
    const error = errorOf(name);
    return (
      <div class={error ? 'field invalid' : 'field'}>
        <label for={`f-${name}`}>{label}</label>
        <input id={`f-${name}`} name={name} type="text" value={v[name] ?? ''} aria-invalid={error ? 'true' : undefined} {...attrs} />
        {error && <p class="error">{error}</p>}
      </div>
    );
  };
  const t = ctx.t;
  const title = props.etag ? t('form.edit') : t('form.new');
  return (
    <Layout ctx={ctx} title={title} current="directory">
      <h1>{title}</h1>
      {props.banner === 'invalid' && (
        <p class="banner error" role="alert">
          {t('form.invalid')}
        </p>
      )}
      {props.banner === 'stale' && (
        <p class="banner error" role="alert">
          {t('form.stale')} <a href={props.cancel}>{t('form.reload')}</a>
        </p>
      )}
      <p id="changed-elsewhere" class="banner error" role="alert" hidden>
        {t('client.changedElsewhere')} <a href={props.cancel}>{t('form.reload')}</a>
      </p>
      <form method="post" action={props.action} class="client-form" data-client-id={props.clientId ?? undefined}>
        {props.etag && <input type="hidden" name="etag" value={props.etag} />}
        <fieldset class="kind">
          <legend>{t('form.kind')}</legend>
          <label>
            <input type="radio" name="kind" value="person" checked={v.kind !== 'company'} /> {t('client.kind.person')}
          </label>
          <label>
            <input type="radio" name="kind" value="company" checked={v.kind === 'company'} /> {t('client.kind.company')}
          </label>
        </fieldset>
        <div class="grid">
          {field('companyName', t('form.companyName'))}
          <div class="field">
            <label for="f-civility">{t('form.civility')}</label>
            <select id="f-civility" name="civility">
              <option value=""></option>
              {[...new Set([...(CIVILITIES[ctx.lang] ?? []), ...(v.civility ? [v.civility] : [])])].map((c) => (
                <option value={c} selected={v.civility === c}>
                  {c}
                </option>
              ))}
            </select>
          </div>
          {field('lastName', t('form.lastName'))}
          {field('firstName', t('form.firstName'))}
          {field('street', t('form.street'))}
          {field('street2', t('form.street2'))}
          {field('postalCode', t('form.postalCode'), { inputmode: 'numeric' })}
          {field('city', t('form.city'))}
          {field('country', t('form.country'), { maxlength: '2' })}
          {field('phone', t('client.phone'), { type: 'tel' })}
          {field('email', t('client.email'), { type: 'email' })}
          {/* A scan while the form is open fills this field (app.js) */}
          {field('reference', t('client.reference'), { 'data-scan-target': '' })}
          {field('accountNumber', t('client.account'))}
          <div class={errorOf('groupId') ? 'field invalid' : 'field'}>
            <label for="f-groupId">{t('client.group')}</label>
            <select id="f-groupId" name="groupId">
              <option value="">{t('client.groupNone')}</option>
              {props.groups.map((g) => (
                <option value={g.id} selected={v.groupId === g.id}>
                  {`${g.name} (${t('client.discount', { p: g.discountPercent })})`}
                </option>
              ))}
            </select>
            {errorOf('groupId') && <p class="error">{errorOf('groupId')}</p>}
          </div>
        </div>
        <div class={errorOf('notes') ? 'field invalid' : 'field'}>
          <label for="f-notes">{t('client.notes')}</label>
          <textarea id="f-notes" name="notes" rows={3}>
            {v.notes ?? ''}
          </textarea>
          {errorOf('notes') && <p class="error">{errorOf('notes')}</p>}
        </div>
        <div class="actions">
          <button type="submit" class="button">
            {t('form.save')}
          </button>
          <a href={props.cancel} class="button secondary">
            {t('form.cancel')}
          </a>
        </div>
      </form>
    </Layout>
  );
}
