import type { Client, Group } from '../directory/schema.js';
import type { ClientFields, GroupFields } from './records.js';

/**
 * Field-level views of records, which the sync reasons with: what an edit changed, what the cloud
 * changed since, and the two merged. A client's address counts field by field (the shop fixing a
 * street and the cloud fixing the NPA is no conflict).
 */

const CLIENT_TOP = ['kind', 'civility', 'lastName', 'firstName', 'companyName', 'reference', 'accountNumber', 'groupId', 'email', 'phone', 'notes'] as const;
const ADDRESS = ['street', 'street2', 'postalCode', 'city', 'country'] as const;
const GROUP = ['name', 'discountPercent'] as const;

export type FieldValue = string | number | null;

/** Every editable field of a client, as a create sends it. */
export function clientFields(c: Client): ClientFields {
  const out: ClientFields = { address: { ...c.address } };
  for (const k of CLIENT_TOP) Object.assign(out, { [k]: c[k] });
  return out;
}

/** The fields `after` changed from `before` (address: only the changed parts). */
export function clientFieldsDiff(before: Client, after: Client): ClientFields {
  const out: ClientFields = {};
  for (const k of CLIENT_TOP) if (before[k] !== after[k]) Object.assign(out, { [k]: after[k] });
  for (const k of ADDRESS) {
    if (before.address[k] !== after.address[k]) out.address = { ...out.address, [k]: after.address[k] };
  }
  return out;
}

export function applyClientFields(c: Client, f: ClientFields): Client {
  const next: Client = { ...c, address: { ...c.address, ...f.address } };
  for (const k of CLIENT_TOP) if (f[k] !== undefined) Object.assign(next, { [k]: f[k] });
  return next;
}

/** Flat `path → value` of the fields present: `lastName`, `address.city`… */
export function flatClientFields(f: ClientFields): Map<string, FieldValue> {
  const out = new Map<string, FieldValue>();
  for (const k of CLIENT_TOP) {
    const v = f[k];
    if (v !== undefined) out.set(k, v);
  }
  for (const k of ADDRESS) {
    const v = f.address?.[k];
    if (v !== undefined) out.set(`address.${k}`, v);
  }
  return out;
}

/** Builds ClientFields back from flat paths (the inverse of flatClientFields). */
export function clientFieldsFromFlat(flat: ReadonlyMap<string, FieldValue>): ClientFields {
  const out: ClientFields = {};
  for (const [path, v] of flat) {
    if (path.startsWith('address.')) {
      const k = ADDRESS.find((a) => `address.${a}` === path);
      if (k === 'country' && typeof v === 'string') out.address = { ...out.address, country: v };
      else if (k && k !== 'country' && (typeof v === 'string' || v === null)) out.address = { ...out.address, [k]: v };
    } else {
      const k = CLIENT_TOP.find((t) => t === path);
      if (k === 'kind' && (v === 'person' || v === 'company')) out.kind = v;
      else if (k && k !== 'kind' && (typeof v === 'string' || v === null)) Object.assign(out, { [k]: v });
    }
  }
  return out;
}

export function groupFields(g: Group): GroupFields {
  return { name: g.name, discountPercent: g.discountPercent };
}

export function groupFieldsDiff(before: Group, after: Group): GroupFields {
  const out: GroupFields = {};
  for (const k of GROUP) if (before[k] !== after[k]) Object.assign(out, { [k]: after[k] });
  return out;
}

export function applyGroupFields(g: Group, f: GroupFields): Group {
  return { ...g, name: f.name ?? g.name, discountPercent: f.discountPercent ?? g.discountPercent };
}

export function flatGroupFields(f: GroupFields): Map<string, FieldValue> {
  const out = new Map<string, FieldValue>();
  for (const k of GROUP) {
    const v = f[k];
    if (v !== undefined) out.set(k, v);
  }
  return out;
}

export function groupFieldsFromFlat(flat: ReadonlyMap<string, FieldValue>): GroupFields {
  const out: GroupFields = {};
  const name = flat.get('name');
  const discount = flat.get('discountPercent');
  if (typeof name === 'string') out.name = name;
  if (typeof discount === 'number') out.discountPercent = discount;
  return out;
}
