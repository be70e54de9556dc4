import type { Child } from 'hono/jsx';
import type { FieldError } from '../../agent/errors.js';
import { COUNTRY_CODES, POSTAL_CODE_RULES } from '../../agent/directory/countries.js';
import type { LikelyDuplicate } from '../../agent/directory/duplicates.js';
import { addressSchema, clientRecordSchema, type GroupOut } from '../../agent/directory/schema.js';
import { displayName } from '../../agent/directory/directory.js';
import { countryOptions } from '../countries.js';
import { ruleMessage, type MessageKey } from '../i18n/translator.js';
import { Layout } from '../layout.js';
import type { PageContext } from '../page-context.js';
import { reasonsText } from '../partials/duplicate-words.js';

/** The values of the form as typed (strings), so a refused form comes back as the person left it. */
export type FormValues = Record<string, string>;

export const FORM_FIELDS = [
  'kind', 'civility', 'lastName', 'firstName', 'companyName', 'street', 'street2', 'postalCode', 'city', 'country',
  'phone', 'email', 'reference', 'accountNumber', 'groupId', 'notes',
] as const;
type FieldName = (typeof FORM_FIELDS)[number];

const CIVILITIES: Record<string, string[]> = { fr: ['M.', 'Mme', 'Me', 'Dr'], de: ['Herr', 'Frau', 'Dr.'], en: ['Mr', 'Ms', 'Dr'] };

/** The API's own length limits, so the form stops typing where the agent would refuse. */
const RECORD_TEXT = ['civility', 'lastName', 'firstName', 'companyName', 'phone', 'email', 'reference', 'accountNumber', 'notes'] as const;
const ADDRESS_TEXT = ['street', 'street2', 'postalCode', 'city'] as const;
const MAX_LENGTH = new Map<string, number | null>([
  ...RECORD_TEXT.map((name) => [name, clientRecordSchema.shape[name].unwrap().maxLength] as const),
  ...ADDRESS_TEXT.map((name) => [name, addressSchema.shape[name].unwrap().maxLength] as const),
]);

/** The fields in the order the form shows them, after the identity's company name and a person's names. */
const PERSON = ['civility', 'lastName', 'firstName'] as const;
const AFTER_IDENTITY = ['street', 'street2', 'postalCode', 'city', 'country', 'phone', 'email', 'notes', 'reference', 'accountNumber', 'groupId'] as const;

/**
 * Create or edit a client: the API's rules, errors shown next to their field, nothing saved on
 * error. The fields follow who the client is: a person's names first (required), or a company's
 * name first and then an optional contact person; app.js re-orders them when the kind changes.
 */
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
  /** A new client's form already saved (Back to it): the client it made. */
  made?: { id: string; name: string } | null;
  /** Clients this new one may duplicate: shown before anything is saved. */
  duplicates?: LikelyDuplicate[];
}) {
  const { ctx, values: v } = props;
  const t = ctx.t;
  const company = v.kind === 'company';
  const errorOf = (name: string) => {
    const error = props.errors.find((e) => e.path === name || e.path === `address.${name}`);
    return error ? ruleMessage(t, error) : null;
  };
  // After a refused save the cursor goes to the first field in error (in the order shown).
  const identity: FieldName[] = company ? ['companyName', ...PERSON] : [...PERSON, 'companyName'];
  const order: FieldName[] = [...identity, ...AFTER_IDENTITY];
  // A new form starts at its first field, ready to type; a refused one at the first field in error.
  const firstError = order.find((name) => errorOf(name) !== null) ?? (props.etag === null && !props.duplicates?.length ? order[0] : undefined);
  const described = (name: FieldName, error: string | null) => ({
    'aria-invalid': error ? 'true' : undefined,
    'aria-describedby': error ? `e-${name}` : undefined,
    autofocus: name === firstError ? true : undefined,
  });
  const label = (name: FieldName, text: Child, required?: 'person' | 'company') => (
    <label for={`f-${name}`}>
      {text}
      {required && (
        <span class={`req req-${required}`} aria-hidden="true">
          {' *'}
        </span>
      )}
    </label>
  );
  const errorText = (name: FieldName, error: string | null) =>
    error && (
      <p class="error" id={`e-${name}`}>
        {error}
      </p>
    );
  const input = (
    name: Exclude<FieldName, 'kind' | 'country' | 'groupId' | 'notes' | 'civility'>,
    text: Child,
    attrs: Record<string, string | boolean | undefined> = {},
    required?: 'person' | 'company',
  ) => {
    const error = errorOf(name);
    const isRequired = required !== undefined && (required === 'company') === company;
    return (
      <div class={error ? `field invalid f-${name}` : `field f-${name}`}>
        {label(name, text, required)}
        <input
          id={`f-${name}`}
          name={name}
          type="text"
          value={v[name] ?? ''}
          maxlength={MAX_LENGTH.get(name) ?? undefined}
          aria-required={isRequired ? 'true' : undefined}
          data-required-for={required}
          {...described(name, error)}
          {...attrs}
        />
        {errorText(name, error)}
      </div>
    );
  };

  const companyField = input(
    'companyName',
    <>
      <span class="for-company">{t('form.companyName.company')}</span>
      <span class="for-person">{t('form.companyName.person')}</span>
    </>,
    {},
    'company',
  );
  const civility = (
    <div class="field f-civility">
      {label('civility', t('form.civility'))}
      <select id="f-civility" name="civility" {...described('civility', errorOf('civility'))}>
        <option value=""></option>
        {[...new Set([...(CIVILITIES[ctx.lang] ?? []), ...(v.civility ? [v.civility] : [])])].map((c) => (
          <option value={c} selected={v.civility === c}>
            {c}
          </option>
        ))}
      </select>
      {errorText('civility', errorOf('civility'))}
    </div>
  );
  const names = (
    <>
      {civility}
      {input('lastName', t('form.lastName'), {}, 'person')}
      {input('firstName', t('form.firstName'), {}, 'person')}
    </>
  );
  const country = v.country || 'CH';
  const countries = countryOptions(ctx.lang);
  const title = props.etag ? t('form.edit') : t('form.new');
  return (
    <Layout ctx={ctx} title={title} current="directory">
      <h1>{title}</h1>
      {/* Back to a form that was saved: say so, and no form to send twice. */}
      {props.made && (
        <div class="banner info" role="status">
          <p>{t('form.made', { name: props.made.name })}</p>
          <p class="banner-actions">
            <a class="button" href={`/clients/${encodeURIComponent(props.made.id)}`}>
              {t('form.openMade')}
            </a>
            <a class="button secondary" href={`/clients/${encodeURIComponent(props.made.id)}/edit`}>
              {t('action.edit')}
            </a>
            <a class="button secondary" href="/clients/new">
              {t('form.new')}
            </a>
          </p>
        </div>
      )}
      {!props.made && (
        <>
      {props.banner === 'invalid' && (
        <p class="banner error" role="alert">
          {t('form.invalid')}
        </p>
      )}
      {props.banner === 'stale' && (
        <div class="banner error" role="alert">
          <p>{t('form.stale')}</p>
          <a class="button secondary small" href={props.cancel}>
            {t('form.reload')}
          </a>
        </div>
      )}
      <div id="changed-elsewhere" class="banner error" role="alert" hidden>
        <p>{t('client.changedElsewhere')}</p>
        <a class="button secondary small" href={props.cancel}>
          {t('form.reload')}
        </a>
      </div>
      <form
        method="post"
        action={props.action}
        class="client-form"
        id="client-form"
        novalidate
        autocomplete="off"
        data-kind={company ? 'company' : 'person'}
        data-guard={props.banner || props.duplicates?.length ? 'unsaved' : ''}
        data-client-id={props.clientId ?? undefined}
        data-url={props.clientId ? `/clients/${encodeURIComponent(props.clientId)}/edit` : v.id ? `/clients/new?draft=${encodeURIComponent(v.id)}` : undefined}
      >
        {props.etag && <input type="hidden" name="etag" value={props.etag} />}
        {v.id && <input type="hidden" name="id" value={v.id} />}
        <p class="sub required-note">{t('form.requiredNote')}</p>
        <fieldset class="section">
          <legend>{t('form.section.identity')}</legend>
          <fieldset class="kind">
            <legend>{t('form.kind')}</legend>
            <label>
              <input type="radio" name="kind" value="person" checked={!company} /> {t('client.kind.person')}
            </label>
            <label>
              <input type="radio" name="kind" value="company" checked={company} /> {t('client.kind.company')}
            </label>
          </fieldset>
          <div class="grid identity">
            {company ? (
              <>
                {companyField}
                <p class="contact-heading for-company">{t('form.contactPerson')}</p>
                {names}
              </>
            ) : (
              <>
                {names}
                <p class="contact-heading for-company">{t('form.contactPerson')}</p>
                {companyField}
              </>
            )}
          </div>
        </fieldset>
        <fieldset class="section">
          <legend>{t('form.section.address')}</legend>
          <div class="grid">
            {input('street', t('form.street'))}
            {input('street2', t('form.street2'))}
            {input('postalCode', t('form.postalCode'), POSTAL_CODE_RULES[country] ? { inputmode: 'numeric' } : {})}
            {input('city', t('form.city'))}
            <div class={errorOf('country') ? 'field invalid f-country' : 'field f-country'}>
              {label('country', t('form.country'))}
              <select id="f-country" name="country" {...described('country', errorOf('country'))}>
                {!COUNTRY_CODES.has(country) && <option value={country} selected>{country}</option>}
                {countries.map((c, i) => (
                  <option value={c.code} selected={c.code === country} class={i === 1 ? 'group-end' : undefined}>
                    {c.name}
                  </option>
                ))}
              </select>
              {errorText('country', errorOf('country'))}
            </div>
          </div>
        </fieldset>
        <fieldset class="section">
          <legend>{t('form.section.contact')}</legend>
          <div class="grid">
            {input('phone', t('client.phone'), { type: 'tel', inputmode: 'tel' })}
            {input('email', t('client.email'), { type: 'email', inputmode: 'email', spellcheck: 'false' })}
          </div>
          <div class={errorOf('notes') ? 'field invalid f-notes' : 'field f-notes'}>
            {label('notes', t('client.notes'))}
            <textarea id="f-notes" name="notes" rows={3} maxlength={MAX_LENGTH.get('notes') ?? undefined} {...described('notes', errorOf('notes'))}>
              {v.notes ?? ''}
            </textarea>
            {errorText('notes', errorOf('notes'))}
          </div>
        </fieldset>
        <fieldset class="section">
          <legend>{t('form.section.loyalty')}</legend>
          <div class="grid">
            {/* A scan while the form is open fills this field (app.js) */}
            {input('reference', t('client.reference'), { 'data-scan-target': '', spellcheck: 'false' })}
            {input('accountNumber', t('client.account'), { spellcheck: 'false' })}
            <div class={errorOf('groupId') ? 'field invalid f-groupId' : 'field f-groupId'}>
              {label('groupId', t('client.group'))}
              <select id="f-groupId" name="groupId" {...described('groupId', errorOf('groupId'))}>
                <option value="">{t('client.groupNone')}</option>
                {props.groups.map((g) => (
                  <option value={g.id} selected={v.groupId === g.id}>
                    {`${g.name} (${t('client.discount', { p: g.discountPercent })})`}
                  </option>
                ))}
              </select>
              {errorText('groupId', errorOf('groupId'))}
            </div>
          </div>
        </fieldset>
        <div class="actions">
          <button type="submit" class="button">
            {t('form.save')}
          </button>
          <a href={props.cancel} class="button secondary" data-leave="">
            {t('form.cancel')}
          </a>
        </div>
        {/* After the actions: Enter in a field keeps meaning "Valider", never "Créer quand même". */}
        {props.duplicates && props.duplicates.length > 0 && <Duplicates ctx={ctx} duplicates={props.duplicates} />}
      </form>
        </>
      )}
    </Layout>
  );
}

/** "Ce client existe peut-être déjà": each look-alike with why, "Ouvrir", and "Créer quand même". */
function Duplicates(props: { ctx: PageContext; duplicates: LikelyDuplicate[] }) {
  const t = props.ctx.t;
  return (
    <section class="dialog duplicates" role="alert" aria-labelledby="duplicates-title">
      <h2 id="duplicates-title" tabindex={-1} autofocus>
        {t('duplicates.title')}
      </h2>
      <p>{t('duplicates.intro')}</p>
      <ul class="duplicates-list">
        {props.duplicates.map(({ client: c, reasons }) => (
          <li data-client-id={c.id}>
            <div>
              <strong>{displayName(c)}</strong>
              <div class="sub">{[[c.address.postalCode, c.address.city].filter(Boolean).join(' '), c.phone, c.email, c.reference].filter(Boolean).join(' · ')}</div>
              <div class="reasons">{reasonsText(t, reasons)}</div>
            </div>
            <a class="button secondary small" href={`/clients/${encodeURIComponent(c.id)}`}>
              {t('duplicates.open')}
            </a>
          </li>
        ))}
      </ul>
      <button type="submit" name="force" value="1" class="button">
        {t('duplicates.createAnyway')}
      </button>
    </section>
  );
}
