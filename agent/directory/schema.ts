import { z } from '@hono/zod-openapi';

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

export const addressSchema = z
  .object({
    street: nullableLine(120),
    street2: nullableLine(120),
    postalCode: nullableLine(16),
    city: nullableLine(80),
    country: z.string().regex(/^[A-Z]{2}$/),
  })
  .openapi('Address');

export const clientRecordSchema = z
  .object({
    id: z.string().min(1).max(64),
    kind: z.enum(['person', 'company']),
    civility: nullableLine(20),
    lastName: nullableLine(80),
    firstName: nullableLine(80),
    companyName: nullableLine(120),
    reference: nullableLine(64),
    accountNumber: nullableLine(32),
    groupId: z.string().min(1).max(64).nullable(),
    email: nullableLine(254),
    phone: nullableLine(32),
    address: addressSchema,
    notes: z.string().max(2000).nullable(),
    accountBalance: z.number().int(),
    walletBalance: z.number().int(),
    version: z.number().int().min(0),
    updatedAt: z.string(),
  })
  .openapi('ClientRecord');
export type Client = z.infer<typeof clientRecordSchema>;

export const groupRecordSchema = z
  .object({
    id: z.string().min(1).max(64),
    name: line(60).min(1),
    discountPercent: z.number().min(0).max(100),
    version: z.number().int().min(0),
    updatedAt: z.string(),
  })
  .openapi('GroupRecord');
export type Group = z.infer<typeof groupRecordSchema>;

/** Tells a client from a group (the sync handles both kinds of record). */
export function isClient(r: Client | Group): r is Client {
  return 'kind' in r;
}

export const groupSummarySchema = z
  .object({ id: z.string(), name: z.string(), discountPercent: z.number() })
  .nullable()
  .openapi('GroupSummary');

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
      .array(z.object({ path: z.string(), message: z.string(), code: z.string().optional(), params: z.record(z.string(), z.union([z.string(), z.number()])).optional() }))
      .optional()
      .describe(
        'in the answer to a create or an update only, when there is something to check: what was saved but looks wrong ("phone-impossible": ' +
          'a number that cannot be a phone number, saved as typed). Never a refusal.',
      ),
  })
  .openapi('Client');
export type ClientOut = z.infer<typeof clientOutSchema>;

export const groupOutSchema = groupRecordSchema
  .extend({
    clientCount: z.number().int().describe('how many clients are in this group (read-only)'),
    etag: z.string(),
  })
  .openapi('Group');
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
    street: nullableLine(120).optional(),
    street2: nullableLine(120).optional(),
    postalCode: nullableLine(16).optional(),
    city: nullableLine(80).optional(),
    country: z.string().optional().describe('ISO 3166-1 alpha-2, default CH'),
  })
  .openapi('AddressInput');

const editableClientFields = {
  kind: z.enum(['person', 'company']).optional().describe('person (personne physique) or company (personne morale); default person'),
  civility: nullableLine(20).optional().describe('M., Mme, Me, Dr, Herr, Frau…'),
  lastName: nullableLine(80).optional().describe('required for a person'),
  firstName: nullableLine(80).optional().describe('required for a person'),
  companyName: nullableLine(120).optional().describe('required for a company'),
  reference: nullableLine(64).optional().describe('loyalty card barcode or any reference; unique'),
  accountNumber: nullableLine(32).optional().describe('accounting account number'),
  groupId: z.string().max(64).nullable().optional(),
  email: nullableLine(254).optional(),
  phone: nullableLine(32).optional(),
  address: addressInput.nullable().optional(),
  notes: z
    .string()
    .max(2000, { error: 'at most 2000 characters' })
    .refine((s) => !CONTROL_BUT_NEWLINES.test(s), { error: 'must not contain control characters other than line breaks' })
    .nullable()
    .optional(),
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
  .openapi('ClientCreate');
export type ClientCreate = z.infer<typeof clientCreateSchema>;

export const clientPatchSchema = z
  .strictObject({ id: z.unknown().optional().describe('read-only, ignored'), ...editableClientFields, ...readOnlyClientFields })
  .openapi('ClientPatch');
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
  .refine((n) => Math.abs(n * 100 - Math.round(n * 100)) < 1e-9, { error: 'at most 2 decimals' });

export const groupCreateSchema = z
  .strictObject({
    id: z
      .string()
      .regex(/^[A-Za-z0-9._:-]{1,64}$/, { error: 'use 1–64 letters, digits, ".", "_", ":" or "-"' })
      .optional(),
    name: line(60),
    discountPercent: discount.optional().describe('automatic discount for the group, 0–100; default 0'),
    ...readOnlyGroupFields,
  })
  .openapi('GroupCreate');
export type GroupCreate = z.infer<typeof groupCreateSchema>;

export const groupPatchSchema = z
  .strictObject({
    id: z.unknown().optional().describe('read-only, ignored'),
    name: line(60).optional(),
    discountPercent: discount.optional(),
    ...readOnlyGroupFields,
  })
  .openapi('GroupPatch');
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
