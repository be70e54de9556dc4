import { z } from '@hono/zod-openapi';
import { COUNTRY_CODES } from './countries.js';

/**
 * Record shapes of cloud-sync.md ("Records") and the API inputs of agent-api.md. The same schemas
 * validate requests, stored files and journal entries, and produce the OpenAPI document.
 */

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;
// eslint-disable-next-line no-control-regex
const CONTROL_BUT_NEWLINES = /[\u0000-\u0009\u000b\u000c\u000e-\u001f\u007f]/;

/** A single-line text field: no control characters (they must never reach a printer). */
const line = (max: number) =>
  z
    .string()
    .max(max, { error: `at most ${max} characters` })
    .refine((s) => !CONTROL.test(s), { error: 'must not contain control characters (tabs, line breaks…)' });

const nullableLine = (max: number) => line(max).nullable();

const d = (description: string, example?: unknown) => ({ description, ...(example === undefined ? {} : { example }) });

export const addressSchema = z
  .object({
    street: nullableLine(120).openapi(d('street and number', 'Rue du Lac 12')),
    street2: nullableLine(120).openapi(d('a second address line (building, c/o, case postale)')),
    postalCode: nullableLine(16).openapi(d('postcode (NPA, PLZ, code postal)', '1003')),
    city: nullableLine(80).openapi(d('city', 'Lausanne')),
    country: z.string().regex(/^[A-Z]{2}$/).openapi(d('ISO 3166-1 alpha-2 country code', 'CH')),
  })
  .openapi('Address', { description: "The client's postal address." });

export const clientRecordSchema = z
  .object({
    id: z.string().min(1).max(64).openapi(d('the client id (a UUID unless given at creation)', '3f0c9a52-1b7e-4c61-9a43-2d5e8f7b6a10')),
    kind: z.enum(['person', 'company']).openapi(d('person (personne physique) or company (personne morale)')),
    civility: nullableLine(20).openapi(d('M., Mme, Me, Dr, Herr, Frau…', 'Mme')),
    lastName: nullableLine(80).openapi(d('last name (a person)', 'Müller')),
    firstName: nullableLine(80).openapi(d('first name (a person)', 'Hélène')),
    companyName: nullableLine(120).openapi(d('company name (a company; a person may have one too)')),
    reference: nullableLine(64).openapi(d('loyalty card barcode or any reference; unique', '7612345000015')),
    accountNumber: nullableLine(32).openapi(d('accounting account number', '10042')),
    groupId: z.string().min(1).max(64).nullable().openapi(d("the client's group, or null", 'vip')),
    email: nullableLine(254).openapi({ ...d('e-mail address', 'helene.muller@example.ch'), format: 'email' }),
    phone: nullableLine(32).openapi(d('phone number as typed (search and tickets read it in the shop\'s country)', '+41 79 555 00 12')),
    address: addressSchema,
    notes: z.string().max(2000).nullable().openapi(d('free notes (line breaks allowed)')),
    accountBalance: z.number().int().openapi(d('account balance in centimes (owned by the back-office; read-only here)', 0)),
    walletBalance: z.number().int().openapi(d('wallet (prepaid) balance in centimes (owned by the back-office; read-only here)', 1500)),
    version: z.number().int().min(0).openapi(d('grows by one at every change', 3)),
    updatedAt: z.string().openapi({ ...d('when the client last changed (ISO 8601, UTC)', '2026-11-27T09:12:44.120Z'), format: 'date-time' }),
  })
  .openapi('ClientRecord', { description: 'A client as stored (cloud-sync.md, "Records").' });
export type Client = z.infer<typeof clientRecordSchema>;

/**
 * A client record in one fixed shape, every field inside the object itself. A record zod parsed
 * was built a field at a time (the first few inside the object, the rest in an array of their
 * own): 446 bytes of heap a record against 378 for this one or for `JSON.parse`'s (6.8 MB at
 * 100,000 clients after a first pull). The store keeps every record it is given in this shape.
 */
export function compactClient(c: Client): Client {
  const a = c.address;
  return {
    id: c.id,
    kind: c.kind,
    civility: c.civility,
    lastName: c.lastName,
    firstName: c.firstName,
    companyName: c.companyName,
    reference: c.reference,
    accountNumber: c.accountNumber,
    groupId: c.groupId,
    email: c.email,
    phone: c.phone,
    address: { street: a.street, street2: a.street2, postalCode: a.postalCode, city: a.city, country: a.country },
    notes: c.notes,
    accountBalance: c.accountBalance,
    walletBalance: c.walletBalance,
    version: c.version,
    updatedAt: c.updatedAt,
  };
}

export const groupRecordSchema = z
  .object({
    id: z.string().min(1).max(64).openapi(d('the group id', 'vip')),
    name: line(60).min(1).openapi(d('the group name; unique', 'VIP')),
    discountPercent: z.number().min(0).max(100).openapi({ ...d('automatic discount for the group, in percent (0–100, at most 2 decimals)', 10), multipleOf: 0.01 }),
    version: z.number().int().min(0).openapi(d('grows by one at every change', 1)),
    updatedAt: z.string().openapi({ ...d('when the group last changed (ISO 8601, UTC)'), format: 'date-time' }),
  })
  .openapi('GroupRecord', { description: 'A client group as stored.' });
export type Group = z.infer<typeof groupRecordSchema>;

/** Tells a client from a group (the sync handles both kinds of record). */
export function isClient(r: Client | Group): r is Client {
  return 'kind' in r;
}

export const groupSummarySchema = z
  .object({
    id: z.string().openapi(d('the group id', 'vip')),
    name: z.string().openapi(d('the group name', 'VIP')),
    discountPercent: z.number().openapi(d('its automatic discount, in percent', 10)),
  })
  .nullable()
  .openapi('GroupSummary', { description: "The client's group, or null." });

/** A client as the API returns it: the record plus read-only conveniences. */
export const clientOutSchema = clientRecordSchema
  .extend({
    group: groupSummarySchema.describe("the client's group, so the till can apply its discount from one call (read-only)"),
    etag: z.string().describe('send back as If-Match to make an edit safe against concurrent changes'),
    match: z
      .enum(['exact', 'close'])
      .optional()
      .describe('in search results only: "close" for a typo or a name that sounds the same (after the exact ones)'),
    warnings: z
      .array(
        z.object({
          path: z.string().openapi(d('the field', 'phone')),
          message: z.string().openapi(d('what to check, in English')),
          code: z.string().optional().openapi(d('the rule, for saying it in your language', 'phone-impossible')),
          params: z.record(z.string(), z.union([z.string(), z.number()])).optional().openapi(d('the values the message names')),
        }),
      )
      .optional()
      .describe(
        'in the answer to a create or an update only, when there is something to check: what was saved but looks wrong ("phone-impossible": ' +
          'a number that cannot be a phone number, saved as typed). Never a refusal.',
      ),
  })
  .openapi('Client', { description: 'A client as the API returns it: the record plus read-only conveniences.' });
export type ClientOut = z.infer<typeof clientOutSchema>;

export const groupOutSchema = groupRecordSchema
  .extend({
    clientCount: z.number().int().describe('how many clients are in this group (read-only)'),
    etag: z.string().describe('send back as If-Match to make an edit safe against concurrent changes'),
  })
  .openapi('Group', { description: 'A client group as the API returns it.' });
export type GroupOut = z.infer<typeof groupOutSchema>;

/** Fields a client may send back unchanged (e.g. PATCHing a whole record it read); they are ignored. */
const readOnlyClientFields = {
  version: z.unknown().optional().describe('read-only, ignored'),
  updatedAt: z.unknown().optional().describe('read-only, ignored'),
  accountBalance: z.unknown().optional().describe('read-only (owned by the back-office), ignored'),
  walletBalance: z.unknown().optional().describe('read-only (owned by the back-office), ignored'),
  group: z.unknown().optional().describe('read-only, ignored'),
  etag: z.unknown().optional().describe('read-only, ignored'),
  match: z.unknown().optional().describe('read-only, ignored'),
  warnings: z.unknown().optional().describe('read-only, ignored'),
};

const addressInput = z
  .strictObject({
    street: nullableLine(120).optional().openapi(d('street and number', 'Rue du Lac 12')),
    street2: nullableLine(120).optional().openapi(d('a second address line')),
    postalCode: nullableLine(16).optional().openapi(d('postcode; checked for CH, LI, FR, DE, AT and IT (a 4-digit NPA in Switzerland)', '1003')),
    city: nullableLine(80).optional().openapi(d('city', 'Lausanne')),
    // The rule itself is the directory's (a 422 with code country-invalid); the enum says it to generated clients.
    country: z.string().optional().openapi({ ...d('ISO 3166-1 alpha-2 country code, default CH', 'CH'), enum: [...COUNTRY_CODES] }),
  })
  .openapi('AddressInput', { description: 'Address fields to set; those left out keep their value.' });

const editableClientFields = {
  kind: z.enum(['person', 'company']).optional().describe('person (personne physique) or company (personne morale); default person'),
  civility: nullableLine(20).optional().describe('M., Mme, Me, Dr, Herr, Frau…'),
  lastName: nullableLine(80).optional().describe('required for a person'),
  firstName: nullableLine(80).optional().describe('required for a person'),
  companyName: nullableLine(120).optional().describe('required for a company'),
  reference: nullableLine(64).optional().describe('loyalty card barcode or any reference; unique'),
  accountNumber: nullableLine(32).optional().describe('accounting account number'),
  groupId: z.string().max(64).nullable().optional().describe("the client's group (must exist), or null"),
  // The rule is the directory's (422, email-invalid); the format says it to generated clients.
  email: nullableLine(254).optional().openapi({ description: 'e-mail address', format: 'email', example: 'helene.muller@example.ch' }),
  phone: nullableLine(32).optional().describe('digits, spaces and + ( ) . / - (a number that cannot be one is saved with a warning)'),
  address: addressInput.nullable().optional().describe('null clears the address lines'),
  notes: z
    .string()
    .max(2000, { error: 'at most 2000 characters' })
    .refine((s) => !CONTROL_BUT_NEWLINES.test(s), { error: 'must not contain control characters other than line breaks' })
    .nullable()
    .optional()
    .describe('free notes (line breaks allowed)'),
};

export const clientCreateSchema = z
  .strictObject({
    id: z
      .string()
      .regex(/^[A-Za-z0-9._:-]{1,64}$/, { error: 'use 1–64 letters, digits, ".", "_", ":" or "-"' })
      .optional()
      .describe('optional; the agent assigns a UUID when absent'),
    ...editableClientFields,
    ...readOnlyClientFields,
  })
  .openapi('ClientCreate', { description: 'A new client.' });
export type ClientCreate = z.infer<typeof clientCreateSchema>;

export const clientPatchSchema = z
  .strictObject({ id: z.unknown().optional().describe('read-only, ignored'), ...editableClientFields, ...readOnlyClientFields })
  .openapi('ClientPatch', { description: 'The fields to change; the rest keep their value.' });
export type ClientPatch = z.infer<typeof clientPatchSchema>;

const readOnlyGroupFields = {
  version: z.unknown().optional().describe('read-only, ignored'),
  updatedAt: z.unknown().optional().describe('read-only, ignored'),
  clientCount: z.unknown().optional().describe('read-only, ignored'),
  etag: z.unknown().optional().describe('read-only, ignored'),
};

const discount = z
  .number({ error: 'expected a number from 0 to 100' })
  .min(0, { error: 'must be from 0 to 100' })
  .max(100, { error: 'must be from 0 to 100' })
  // n * 100 is not exact in binary (0.57 * 100 = 56.99999999999999): compare with a tolerance
  .refine((n) => Math.abs(n * 100 - Math.round(n * 100)) < 1e-9, { error: 'at most 2 decimals' })
  .openapi({ multipleOf: 0.01, example: 10 });

export const groupCreateSchema = z
  .strictObject({
    id: z
      .string()
      .regex(/^[A-Za-z0-9._:-]{1,64}$/, { error: 'use 1–64 letters, digits, ".", "_", ":" or "-"' })
      .optional()
      .describe('optional; the agent assigns a UUID when absent'),
    name: line(60).describe('the group name; unique'),
    discountPercent: discount.optional().describe('automatic discount for the group, 0–100; default 0'),
    ...readOnlyGroupFields,
  })
  .openapi('GroupCreate', { description: 'A new group.' });
export type GroupCreate = z.infer<typeof groupCreateSchema>;

export const groupPatchSchema = z
  .strictObject({
    id: z.unknown().optional().describe('read-only, ignored'),
    name: line(60).optional().describe('the group name; unique'),
    discountPercent: discount.optional().describe('automatic discount for the group, 0–100'),
    ...readOnlyGroupFields,
  })
  .openapi('GroupPatch', { description: 'The fields to change.' });
export type GroupPatch = z.infer<typeof groupPatchSchema>;

const isStr = (v: unknown): v is string => typeof v === 'string';
const isStrOrNull = (v: unknown): v is string | null => v === null || typeof v === 'string';
const isInt = (v: unknown): v is number => Number.isInteger(v);

/**
 * The shape of a stored client, checked field by field. Shard files are written by the agent and
 * protected by a checksum; at 100k clients the zod schema costs ~0.5 s at every start, this a few
 * ms. A test keeps it in agreement with clientRecordSchema.
 */
const NULLABLE_STRING_FIELDS = ['civility', 'lastName', 'firstName', 'companyName', 'reference', 'accountNumber', 'groupId', 'email', 'phone', 'notes'];
const ADDRESS_LINE_FIELDS = ['street', 'street2', 'postalCode', 'city'];
const COUNTRY_RE = /^[A-Z]{2}$/;

export function isStoredClient(x: unknown): x is Client {
  if (typeof x !== 'object' || x === null) return false;
  const a: unknown = Reflect.get(x, 'address');
  if (typeof a !== 'object' || a === null) return false;
  const id: unknown = Reflect.get(x, 'id');
  const kind: unknown = Reflect.get(x, 'kind');
  const country: unknown = Reflect.get(a, 'country');
  const version: unknown = Reflect.get(x, 'version');
  if (!isStr(id) || id.length === 0 || id.length > 64 || (kind !== 'person' && kind !== 'company')) return false;
  for (const k of NULLABLE_STRING_FIELDS) if (!isStrOrNull(Reflect.get(x, k))) return false;
  for (const k of ADDRESS_LINE_FIELDS) if (!isStrOrNull(Reflect.get(a, k))) return false;
  return (
    isStr(country) && COUNTRY_RE.test(country) &&
    isInt(Reflect.get(x, 'accountBalance')) && isInt(Reflect.get(x, 'walletBalance')) &&
    isInt(version) && version >= 0 && isStr(Reflect.get(x, 'updatedAt'))
  );
}

/** The file formats on disk: validated on load so a damaged file is caught, not half-used. */
const shardEnvelopeSchema = z.object({
  format: z.literal(1),
  seq: z.number().int().min(0),
  clients: z.array(z.unknown()),
});
export interface ShardFile {
  format: 1;
  seq: number;
  clients: Client[];
}

export function parseShardFile(raw: unknown): ShardFile {
  const { format, seq, clients } = shardEnvelopeSchema.parse(raw);
  const checked: Client[] = [];
  for (const [i, c] of clients.entries()) {
    if (!isStoredClient(c)) throw new Error(`client #${i} is not a valid client record`);
    checked.push(c);
  }
  return { format, seq, clients: checked };
}
