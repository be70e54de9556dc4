import type { Context } from 'hono';
import type { ClientOut } from '../../agent/directory/schema.js';
import { FORM_FIELDS, type FormValues } from '../pages/client-form.js';

/** The client form's fields as typed, from the posted body. */
export async function formValues(c: Context): Promise<FormValues> {
  const body = await c.req.parseBody();
  const out: FormValues = {};
  for (const name of [...FORM_FIELDS, 'etag', 'id', 'force']) {
    const value = body[name];
    if (typeof value === 'string') out[name] = value;
  }
  return out;
}

/** The form's strings → the API's input: empty fields are null, as the API stores them. */
export function formToInput(v: FormValues) {
  const text = (name: string) => (v[name]?.trim() ? v[name]! : null);
  return {
    kind: v.kind === 'company' ? 'company' : 'person',
    civility: text('civility'),
    lastName: text('lastName'),
    firstName: text('firstName'),
    companyName: text('companyName'),
    reference: text('reference'),
    accountNumber: text('accountNumber'),
    groupId: text('groupId'),
    email: text('email'),
    phone: text('phone'),
    notes: text('notes'),
    address: { street: text('street'), street2: text('street2'), postalCode: text('postalCode'), city: text('city'), country: v.country?.trim() || 'CH' },
  };
}

/** A stored client as the form shows it: every field a string. */
export function clientToForm(c: ClientOut): FormValues {
  const a = c.address;
  const values: Record<string, string | null> = {
    kind: c.kind, civility: c.civility, lastName: c.lastName, firstName: c.firstName, companyName: c.companyName,
    street: a.street, street2: a.street2, postalCode: a.postalCode, city: a.city, country: a.country,
    phone: c.phone, email: c.email, reference: c.reference, accountNumber: c.accountNumber, groupId: c.groupId, notes: c.notes,
  };
  return Object.fromEntries(Object.entries(values).map(([k, v]) => [k, v ?? '']));
}
