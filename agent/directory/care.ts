import { AgentError, type FieldError, invalid } from '../errors.js';
import { formatAmount } from '../format.js';
import { type Locale, UI_LOCALES } from '../config.js';
import type { Logger } from '../log.js';

export type { Locale };
import type { AuditEntry } from '../store/audit-log.js';
import { type Directory, displayName } from './directory.js';
import type { Client, ClientOut, ClientPatch } from './schema.js';

/**
 * Directory care (agent-api.md "Directory care"): two clients merged into one, and a client's
 * personal data erased while the books keep the account. Both go through the directory's own
 * writes, so they are checked by its rules, written durably in one commit, and pushed to the cloud
 * by its recorder like any edit (a merge as an update and a delete, an anonymisation as an
 * update). Each act leaves a line in the store's audit log: when, and which ids; never a name.
 */

/** Where the acts are recorded (the store folder's audit log). */
export interface CareAudit {
  append(entry: AuditEntry): Promise<void>;
}


export interface CareOptions {
  /** The language of the neutral label an anonymised client gets (the staff pages' locale). */
  locale?: Locale;
  now?: () => Date;
}

// ---- merge: the fields ---------------------------------------------------------------------

const ADDRESS_PARTS = ['street', 'street2', 'postalCode', 'city', 'country'] as const;
type AddressPart = (typeof ADDRESS_PARTS)[number];
const TEXT_FIELDS = ['civility', 'lastName', 'firstName', 'companyName', 'reference', 'accountNumber', 'groupId', 'email', 'phone'] as const;

/**
 * The fields `take` may name, as the API names them. `address` takes the whole address (what staff
 * mean with two addresses: one of them, not a street from one and a town from the other);
 * `address.street`… take one part, and win over `address` for that part.
 */
export const MERGE_FIELDS = ['kind', ...TEXT_FIELDS, 'notes', 'address', ...ADDRESS_PARTS.map((p) => `address.${p}` as const)] as const;
export type MergeField = (typeof MERGE_FIELDS)[number];

/** `id`: the staying client's value (the default), `from`: the other's, `both`: the two notes, one after the other. */
export type MergeSource = 'id' | 'from' | 'both';
export type MergeTake = Partial<Record<MergeField, MergeSource>>;

/** What a till may try to take and cannot, with the reason (a plain "unknown field" would not help). */
const NOT_TAKEN: Record<string, string> = {
  id: 'the client that stays keeps its id; to keep the other id, merge the other way round',
  accountBalance: 'balances belong to the back-office: they are never merged here',
  walletBalance: 'balances belong to the back-office: they are never merged here',
  version: 'set by the directory, not taken',
  updatedAt: 'set by the directory, not taken',
  etag: 'set by the directory, not taken',
  group: 'take "groupId"',
};

const NOTES_MAX = 2000;

/** The fields staff choose between on the merge page, in the card's order (the address as one). */
export const MERGE_PAGE_FIELDS = ['kind', 'civility', 'lastName', 'firstName', 'companyName', 'address', 'phone', 'email', 'reference', 'accountNumber', 'groupId', 'notes'] as const;
export type MergePageField = (typeof MERGE_PAGE_FIELDS)[number];

/** A field's value in a client, for comparing and showing (`address`: the whole address). */
export function mergeFieldValue(c: Client, field: MergeField): unknown {
  if (field === 'address') return c.address;
  if (field.startsWith('address.')) return c.address[field.slice('address.'.length) as AddressPart];
  return c[field as Exclude<MergeField, 'address' | `address.${AddressPart}`>];
}

export function sameFieldValue(a: Client, b: Client, field: MergeField): boolean {
  return JSON.stringify(mergeFieldValue(a, field)) === JSON.stringify(mergeFieldValue(b, field));
}

const isEmpty = (c: Client, field: MergeField): boolean => {
  if (field === 'address') return ADDRESS_PARTS.every((p) => p === 'country' || c.address[p] === null);
  if (field === 'kind') return false;
  return mergeFieldValue(c, field) === null;
};

/** Whether both notes can be kept together (they fit in one client's notes). */
export function notesFitTogether(a: Client, b: Client): boolean {
  return a.notes !== null && b.notes !== null && a.notes !== b.notes && `${a.notes}\n\n${b.notes}`.length <= NOTES_MAX;
}

function bothNotes(a: string | null, b: string | null): string | null {
  if (a === null || a === b) return b ?? a;
  if (b === null) return a;
  return `${a}\n\n${b}`;
}

/**
 * What staff most likely want for each field that differs: the staying client's value, unless it
 * is empty and the other's is not; both notes when both have some. The merge page's defaults.
 */
export function suggestedTake(staying: Client, other: Client): Partial<Record<MergePageField, MergeSource>> {
  const take: Partial<Record<MergePageField, MergeSource>> = {};
  for (const field of MERGE_PAGE_FIELDS) {
    if (sameFieldValue(staying, other, field)) continue;
    if (field === 'notes' && notesFitTogether(staying, other)) take.notes = 'both';
    else take[field] = isEmpty(staying, field) && !isEmpty(other, field) ? 'from' : 'id';
  }
  return take;
}

/** Checks the names and sources of `take` (every offending one listed, paths `take.<field>`). */
export function parseTake(raw: Record<string, string>): MergeTake {
  const errors: FieldError[] = [];
  const take: MergeTake = {};
  for (const [key, value] of Object.entries(raw)) {
    if (!(MERGE_FIELDS as readonly string[]).includes(key)) {
      errors.push({ path: `take.${key}`, message: NOT_TAKEN[key] ?? `unknown field; the fields are ${MERGE_FIELDS.join(', ')}`, code: 'unknown-field' });
    } else if (value !== 'from' && value !== 'id' && value !== 'both') {
      errors.push({ path: `take.${key}`, message: 'expected "from" (the other client\'s value) or "id" (this client\'s)' });
    } else if (value === 'both' && key !== 'notes') {
      errors.push({ path: `take.${key}`, message: '"both" is for notes only; take "from" or "id"' });
    } else {
      take[key as MergeField] = value;
    }
  }
  if (errors.length) throw invalid(errors);
  return take;
}

/** The staying client's edit: the fields taken from the other one. */
function mergePatch(staying: Client, other: Client, take: MergeTake): ClientPatch {
  const patch: ClientPatch = {};
  if (take.kind === 'from') patch.kind = other.kind;
  for (const f of TEXT_FIELDS) if (take[f] === 'from') patch[f] = other[f];
  if (take.notes === 'from') patch.notes = other.notes;
  if (take.notes === 'both') {
    const notes = bothNotes(staying.notes, other.notes);
    if (notes !== null && notes.length > NOTES_MAX) {
      throw invalid([{ path: 'take.notes', message: `the two notes together are ${notes.length} characters, more than ${NOTES_MAX}: take one of them, and edit the client after`, code: 'too-long', params: { max: NOTES_MAX } }]);
    }
    patch.notes = notes;
  }
  const address = { ...staying.address };
  const from = (part: AddressPart) => (take[`address.${part}`] ?? take.address ?? 'id') === 'from';
  for (const part of ADDRESS_PARTS) if (part !== 'country' && from(part)) address[part] = other.address[part];
  if (from('country')) address.country = other.address.country;
  if (JSON.stringify(address) !== JSON.stringify(staying.address)) patch.address = address;
  return patch;
}

// ---- balances --------------------------------------------------------------------------------

const hasBalance = (c: Client): boolean => c.accountBalance !== 0 || c.walletBalance !== 0;
const balances = (c: Client) => `account ${formatAmount(c.accountBalance)}, wallet ${formatAmount(c.walletBalance)}`;

/**
 * Which of the two has a balance, as it stops a merge: `both` (the back-office must merge the
 * balances), `from` (the one that would be deleted: merge the other way round), or null.
 */
export function balanceBlock(staying: Client, other: Client): 'both' | 'from' | null {
  if (hasBalance(other)) return hasBalance(staying) ? 'both' : 'from';
  return null;
}

// ---- anonymisation ---------------------------------------------------------------------------

/** The neutral names an anonymised client gets, in the shop's language. */
export const ANONYMOUS_NAMES: Record<Locale, { firstName: string; lastName: string; companyName: string }> = {
  fr: { firstName: 'Client', lastName: 'Anonymisé', companyName: 'Client anonymisé' },
  de: { firstName: 'Kunde', lastName: 'Anonymisiert', companyName: 'Anonymisierter Kunde' },
  en: { firstName: 'Client', lastName: 'Anonymised', companyName: 'Anonymised client' },
};

/**
 * What anonymising removes: every field that says who the client is or how to reach them. What
 * stays is what the books need and says nobody: id, kind, account number, group, balances, and the
 * country (on its own it points at no one; the accountant may need it, e.g. for an export).
 */
type AnonymousPatch = Pick<Client, 'civility' | 'lastName' | 'firstName' | 'companyName' | 'reference' | 'email' | 'phone' | 'notes'> & {
  address: Omit<Client['address'], 'country'>;
};

export function anonymousPatch(c: Client, locale: Locale = 'fr'): AnonymousPatch {
  const names = ANONYMOUS_NAMES[locale];
  const person = c.kind === 'person';
  return {
    civility: null,
    lastName: person ? names.lastName : null,
    firstName: person ? names.firstName : null,
    companyName: person ? null : names.companyName,
    reference: null,
    email: null,
    phone: null,
    notes: null,
    address: { street: null, street2: null, postalCode: null, city: null },
  };
}

/** Whether a client holds nothing an anonymisation would remove (its names are a neutral label): anonymising it, in any language, changes nothing. */
export function isAnonymous(c: Client): boolean {
  return UI_LOCALES.some((locale) => {
    const p = anonymousPatch(c, locale);
    return JSON.stringify({ ...c, ...p, address: { ...c.address, ...p.address } }) === JSON.stringify(c);
  });
}

// ---- the service -------------------------------------------------------------------------------

export interface MergeRequest {
  /** the client merged into `{id}`, then deleted */
  from: string;
  take?: Record<string, string>;
}

export interface MergeGuards {
  /** the etag of `{id}` the caller read (If-Match): 412 if it changed since */
  ifMatch?: string | null;
  /** the etag of `from` the caller read: 412 if it changed since */
  fromIfMatch?: string | null;
}

export class DirectoryCare {
  private readonly locale: Locale;
  private readonly now: () => Date;

  constructor(
    private readonly directory: Directory,
    private readonly audit: CareAudit,
    private readonly log: Logger,
    options: CareOptions = {},
  ) {
    this.locale = options.locale ?? 'fr';
    this.now = options.now ?? (() => new Date());
  }

  /**
   * Merges `from` into `{id}`: `{id}` takes the fields named in `take` from `from` and keeps its own
   * for the rest, and `from` is deleted, in one durable write (the delete first, so a reference
   * taken from `from` is free). Refused (409) when `from` has a balance: the agent cannot move a
   * balance (the back-office owns them), and deleting a client with one would lose it.
   */
  async merge(id: string, request: MergeRequest, guards: MergeGuards = {}): Promise<ClientOut> {
    if (request.from === id) {
      throw invalid([{ path: 'from', message: 'a client cannot be merged with itself: name the other client (the one to delete)' }]);
    }
    const take = parseTake(request.take ?? {});
    const staying = this.directory.getClient(id);
    const other = this.directory.getClient(request.from);
    this.directory.checkIfMatch('client', staying, guards.ifMatch ?? null);
    this.directory.checkIfMatch('client', other, guards.fromIfMatch ?? null);
    const block = balanceBlock(staying, other);
    if (block === 'both') {
      throw new AgentError(
        'refused',
        'Both clients have a balance',
        `"${displayName(staying)}" (${id}: ${balances(staying)}) and "${displayName(other)}" (${other.id}: ${balances(other)}) both have a balance. ` +
          'Balances belong to the back-office: merge the two accounts there first; once one of them is at zero, the clients can be merged here.',
        undefined,
        { balances: [balanceOf(staying), balanceOf(other)] },
      );
    }
    if (block === 'from') {
      throw new AgentError(
        'refused',
        'The client to delete has a balance',
        `"${displayName(other)}" (${other.id}: ${balances(other)}) has a balance and would be deleted by this merge; the agent never moves balances (they belong to the back-office). ` +
          `Merge the other way round instead: keep ${other.id} (POST /api/v1/clients/${encodeURIComponent(other.id)}/merge with "from": "${id}"), taking the fields you want from ${id}.`,
        undefined,
        { balances: [balanceOf(staying), balanceOf(other)], mergeInstead: { id: other.id, from: id } },
      );
    }
    const patch = mergePatch(staying, other, take);
    try {
      await this.directory.commitClientChanges([
        { op: 'delete', id: other.id },
        { op: 'update', id, patch },
      ]);
    } catch (err) {
      // the batch's paths are "<change>.<field>": the update's fields are the merged client's
      if (err instanceof AgentError && err.kind === 'invalid' && err.errors) {
        throw invalid(err.errors.map((e) => ({ ...e, path: e.path.replace(/^\d+\./, 'merged.') })));
      }
      throw err;
    }
    await this.record({ at: this.now().toISOString(), action: 'client.merge', id, from: other.id });
    return this.directory.getClient(id);
  }

  /**
   * Erases a client's personal data (names become a neutral label; address lines, phone, e-mail,
   * notes and reference go); id, kind, account number, group, balances and country stay. One
   * durable edit, pushed to the cloud as an update. Anonymising again changes nothing, and is
   * recorded again (so a line lost to a full disk can be made good by asking once more).
   */
  async anonymize(id: string, ifMatch: string | null = null): Promise<ClientOut> {
    const current = this.directory.getClient(id);
    const client = await this.directory.updateClient(id, anonymousPatch(current, this.locale), ifMatch);
    // every edit changes the etag (standalone the version, with a cloud the pending edit's id)
    await this.record({ at: this.now().toISOString(), action: 'client.anonymize', id, changed: client.etag !== current.etag });
    return client;
  }

  /**
   * The act is done and durable; its audit line follows. A line the disk refuses does not undo the
   * act (nor make it look undone to the caller): the agent's log gets it instead, loudly.
   */
  private async record(entry: AuditEntry): Promise<void> {
    const line = JSON.stringify(entry);
    try {
      await this.audit.append(entry);
      this.log.info(`directory care: ${line}`);
    } catch (err) {
      this.log.error(`directory care: the audit log did not take ${line} (${err instanceof Error ? err.message : String(err)}); this log line stands in for it`);
    }
  }
}

function balanceOf(c: Client) {
  return { id: c.id, accountBalance: c.accountBalance, walletBalance: c.walletBalance };
}
