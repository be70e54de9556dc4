import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { AgentError, type FieldError, invalid, notFound, stale } from '../errors.js';
import { collectGarbage, GarbagePace } from '../gc.js';
import { ClientJsonCache } from './client-json.js';
import { RefOwners } from './ref-owners.js';
import { COUNTRY_CODES, POSTAL_CODE_RULES } from './countries.js';
import type { DirectoryStore, RecordChange } from './directory-store.js';
import type { EditRecorder } from './edit-recorder.js';
import type { IndexImage } from './index-image.js';
import { fold, phoneNeedsChecking } from './normalize.js';
import type { Client, ClientCreate, ClientOut, ClientPatch, Group, GroupCreate, GroupOut, GroupPatch } from './schema.js';
import type { DirectoryOp, SectionOp } from './store-format.js';
import { type SearchCursor, SearchIndex } from './search-index.js';

/**
 * The client directory's rules (vendor article + agent-api.md): who may exist, what must be
 * unique, which group can be deleted. The store keeps records durable; this class keeps the
 * indexes that make lookups instant, and publishes `directory` events.
 *
 * Versions: standalone (no recorder), the agent is the authority and bumps `version` on every
 * change. With an authority elsewhere (the cloud), `version` is its own and never invented here (a
 * client made in the shop has 0 until the cloud accepts it); the recorder records every edit in
 * the same durable write, and gives the etag (see EditRecorder).
 */

/** What a bulk write tells of each record it writes (a GarbagePace; tests give their own). */
type Pace = Pick<GarbagePace, 'wrote'>;

export interface DirectoryOptions<Op extends SectionOp> {
  /** An authority elsewhere owns the directory (a cloud): versions are its own, edits are recorded for it. */
  recorder?: EditRecorder<Op>;
  now?: () => Date;
  /** The shop's country (shop.country): phone numbers without a country prefix are read as its. */
  country?: string;
  /** How many clients' JSON to keep (see ClientJsonCache). */
  jsonCacheSize?: number;
  /** What paces a bulk write's collections (tests count its writes). */
  garbagePace?: () => Pace;
}

/** What the directory publishes on every change of a record (the agent's event bus takes it as `directory`). */
export interface DirectoryEvent {
  entity: 'client' | 'group';
  op: 'upsert' | 'delete';
  id: string;
}

/** Where the directory publishes its changes: the agent's event bus, known here only by this. */
export interface DirectoryEvents {
  emit(name: 'directory', event: DirectoryEvent): void;
}

export const SEARCH_LIMIT_DEFAULT = 20;
export const SEARCH_LIMIT_MAX = 100;
/**
 * Clients whose JSON is kept: ~0.7 KB each (the text, its entry), 5.6 MB when full. One pass over
 * the benchmark's 1,200 searches serves 7,155 distinct clients at 100,000: all of them fit, where
 * 4,096 would keep 54% of them.
 */
export const CLIENT_JSON_CACHE_SIZE = 8192;

/** One edit of a batch (`planClientChanges`, `commitClientChanges`). */
export type ClientChange =
  | { op: 'create'; input: ClientCreate }
  | { op: 'update'; id: string; patch: ClientPatch }
  | { op: 'delete'; id: string };

/** A batch edit as it would apply: the record before and after (null: none), or why it is refused. */
export interface PlannedClientChange {
  change: ClientChange;
  before: Client | null;
  after: Client | null;
  errors: FieldError[];
}

export interface ClientPage {
  items: ClientOut[];
  next: string | null;
}

/** `Op`: the ops its recorder adds to an edit's commit (code that only reads and edits needs not know them). */
export class Directory<Op extends SectionOp = SectionOp> {
  readonly index: SearchIndex;
  /** The shop's country: phone numbers without a prefix are read as its. */
  readonly country: string;
  private refOwner = new RefOwners();
  private readonly groupCounts = new Map<string, number>();
  private unsubscribe: (() => void) | null = null;
  /** Clients written while indexing is deferred (see deferIndex). */
  private deferred: Set<string> | null = null;
  private deferDepth = 0;
  /** During a bulk write: collects its garbage as it goes (see GarbagePace). */
  private bulkPace: Pace | null = null;
  private readonly garbagePace: () => Pace;

  private readonly recorder: EditRecorder<Op> | null;
  private readonly now: () => Date;
  private readonly json: ClientJsonCache;

  constructor(
    private readonly store: DirectoryStore<Op>,
    private readonly bus: DirectoryEvents,
    options: DirectoryOptions<Op> = {},
  ) {
    this.recorder = options.recorder ?? null;
    this.now = options.now ?? (() => new Date());
    this.country = options.country ?? 'CH';
    this.index = new SearchIndex(this.country);
    this.json = new ClientJsonCache(options.jsonCacheSize ?? CLIENT_JSON_CACHE_SIZE);
    this.garbagePace = options.garbagePace ?? (() => new GarbagePace());
  }

  /**
   * Builds the indexes from the loaded store (or takes in a saved search index, `image`, reading
   * again only the clients changed since it was made) and follows the store's changes. Says which.
   */
  start(image: IndexImage | null = null): { kept: number; reread: number } | null {
    const restored = image ? this.index.restore(image, this.store.clients) : null;
    if (!restored) this.index.rebuild(this.store.clients.values());
    this.refOwner = new RefOwners(this.store.clients.size);
    for (const c of this.store.clients.values()) this.track(c, +1);
    this.unsubscribe = this.store.onChange((change) => this.onChange(change));
    return restored;
  }

  /**
   * The search index for the next start to take in, or null when it has not changed since the
   * last one (or changed too much while it was taken: see `SearchIndex.image`).
   */
  async indexImage(pause?: () => Promise<void>): Promise<IndexImage | null> {
    return this.index.changedSinceImage > 0 ? this.index.image(this.store.clients, pause) : null;
  }

  stop(): void {
    this.unsubscribe?.();
    this.unsubscribe = null;
  }

  get clientCount(): number {
    return this.store.clients.size;
  }

  // ---- reads -------------------------------------------------------------------------------

  /** Every client as stored, in no particular order (a whole-directory pass: duplicates, export). Read only. */
  eachClient(): IterableIterator<Readonly<Client>> {
    return this.store.clients.values();
  }

  /** A client as stored (for whole-directory passes that answer with `toOut` only at the end). Read only. */
  recordOf(id: string): Readonly<Client> | undefined {
    return this.store.clients.get(id);
  }

  getClient(id: string): ClientOut {
    const c = this.findById(id);
    if (!c) throw notFound('Client', id);
    return c;
  }

  getClientByReference(reference: string): ClientOut {
    const c = this.findByReference(reference);
    if (!c) throw noClientWithReference(reference);
    return c;
  }

  /** The client, or null (a page for a client deleted meanwhile). */
  findById(id: string): ClientOut | null {
    const c = this.store.clients.get(id);
    return c ? this.toOut(c) : null;
  }

  /** Finds a client by reference, or null (scans of unknown cards are normal). */
  findByReference(reference: string): ClientOut | null {
    const c = this.recordByReference(reference);
    return c ? this.toOut(c) : null;
  }

  private recordByReference(reference: string): Readonly<Client> | undefined {
    const id = this.refOwner.get(reference.trim());
    return id === undefined ? undefined : this.store.clients.get(id);
  }

  /** The index's page for a search (the exact reference first), for `search` and `searchJson`. */
  private searchPage(q: string, limit: number, cursor: string | null) {
    return this.index.search(q, limit, cursor ? decodeCursor(cursor, q) : null, this.refOwner.get(q.trim()));
  }

  search(q: string, limit = SEARCH_LIMIT_DEFAULT, cursor: string | null = null): ClientPage {
    const page = this.searchPage(q, limit, cursor);
    return {
      items: page.ids.map((id, i) => this.toOut(this.store.clients.get(id)!, i < page.closeFrom ? 'exact' : 'close')),
      next: page.after ? encodeCursor(page.after, q) : null,
    };
  }

  /**
   * `search()` as the JSON text `JSON.stringify` would give of it, byte for byte, joined from the
   * clients' cached JSON: the HTTP search answers with it.
   */
  searchJson(q: string, limit = SEARCH_LIMIT_DEFAULT, cursor: string | null = null): string {
    const page = this.searchPage(q, limit, cursor);
    let items = '';
    for (let i = 0; i < page.ids.length; i++) {
      const { json } = this.clientJson(this.store.clients.get(page.ids[i]!)!);
      // `match` is toOut's last key: the object's closing brace makes room for it
      items += `${i ? ',' : ''}${json.slice(0, -1)},"match":"${i < page.closeFrom ? 'exact' : 'close'}"}`;
    }
    return `{"items":[${items}],"next":${page.after ? JSON.stringify(encodeCursor(page.after, q)) : 'null'}}`;
  }

  /** `getClient()` as JSON text (cached), with its etag for the header. */
  getClientJson(id: string): { json: string; etag: string } {
    const c = this.store.clients.get(id);
    if (!c) throw notFound('Client', id);
    return this.clientJson(c);
  }

  /** `getClientByReference()` as JSON text (cached), with its etag for the header. */
  getClientByReferenceJson(reference: string): { json: string; etag: string } {
    const c = this.recordByReference(reference);
    if (!c) throw noClientWithReference(reference);
    return this.clientJson(c);
  }

  /** `JSON.stringify(toOut(c))`, kept while the record, its group and its etag stay the same; and that etag. */
  private clientJson(c: Readonly<Client>): { json: string; etag: string } {
    const group = c.groupId === null ? undefined : this.store.groups.get(c.groupId);
    const etag = this.etagOf('client', c);
    let json = this.json.get(c, group, etag);
    if (json === undefined) {
      json = JSON.stringify(this.out(c, group, etag));
      this.json.set(c, group, etag, json);
    }
    return { json, etag };
  }

  listGroups(): GroupOut[] {
    return [...this.store.groups.values()]
      .sort((a, b) => (fold(a.name) < fold(b.name) ? -1 : fold(a.name) > fold(b.name) ? 1 : 0))
      .map((g) => this.groupOut(g));
  }

  getGroup(id: string): GroupOut {
    const g = this.store.groups.get(id);
    if (!g) throw notFound('Group', id);
    return this.groupOut(g);
  }

  /** The version, and whatever the recorder adds to it: every edit changes it. */
  etagOf(entity: 'client' | 'group', record: { id: string; version: number }): string {
    return this.recorder ? this.recorder.etagOf(entity, record) : String(record.version);
  }

  // ---- client writes -----------------------------------------------------------------------

  async createClient(input: ClientCreate): Promise<ClientOut> {
    const record = this.newClient(input);
    if (this.store.clients.has(record.id)) {
      throw new AgentError('exists', 'Already exists', `A client with id "${record.id}" already exists; use PATCH to change it, or leave "id" out.`);
    }
    this.checkClient(record);
    await this.store.commit([{ op: 'client.put', record }, ...this.recordedClient(undefined, record)]);
    return this.toOut(record);
  }

  /**
   * The rule violations (required names, unique reference, known group, country, NPA…) that
   * saving this input would meet, without saving. `id` given: as a PATCH of that client.
   */
  clientRuleErrors(input: ClientCreate | ClientPatch, id?: string): FieldError[] {
    if (id === undefined) return this.ruleErrors(this.newClient(input));
    const current = this.store.clients.get(id);
    return current ? this.ruleErrors(mergeClient(current, input)) : [];
  }

  /**
   * What a save keeps but staff (or the till) should check: a phone number the library says is
   * impossible. Warnings never refuse a save.
   */
  clientWarnings(c: Pick<Client, 'phone'>): FieldError[] {
    if (!c.phone || !phoneNeedsChecking(c.phone, this.country)) return [];
    return [
      {
        path: 'phone',
        code: 'phone-impossible',
        params: { country: this.country },
        message: `"${c.phone}" cannot be a phone number (a digit too few or too many, or no such number range; read as a number of ${this.country} unless it starts with + or 00): saved as typed, check it with the client`,
      },
    ];
  }

  private newClient(input: ClientCreate | ClientPatch): Client {
    return {
      id: typeof input.id === 'string' ? input.id : randomUUID(),
      kind: input.kind ?? 'person',
      civility: clean(input.civility),
      lastName: clean(input.lastName),
      firstName: clean(input.firstName),
      companyName: clean(input.companyName),
      reference: clean(input.reference),
      accountNumber: clean(input.accountNumber),
      groupId: clean(input.groupId),
      email: clean(input.email),
      phone: clean(input.phone),
      address: {
        street: clean(input.address?.street),
        street2: clean(input.address?.street2),
        postalCode: clean(input.address?.postalCode),
        city: clean(input.address?.city),
        country: cleanCountry(input.address?.country),
      },
      notes: cleanNotes(input.notes),
      accountBalance: 0,
      walletBalance: 0,
      version: this.recorder ? 0 : 1,
      updatedAt: this.now().toISOString(),
    };
  }

  /**
   * What a batch of client edits would do, each checked against the directory as it will be once
   * the ones before it apply (two rows giving the same card: the second is refused). Writes nothing.
   */
  planClientChanges(changes: readonly ClientChange[]): PlannedClientChange[] {
    const records = new Map<string, Client | null>(); // the batch's own view: id → record (null: deleted)
    const refs = new Map<string, string | null>(); // reference → owner in the batch's view (null: freed)
    const current = (id: string) => (records.has(id) ? records.get(id)! : this.store.clients.get(id) ?? null);
    const refOwnerOf = (reference: string) => (refs.has(reference) ? refs.get(reference) ?? undefined : this.refOwner.get(reference));
    return changes.map((change) => {
      let before: Client | null;
      let after: Client | null;
      if (change.op === 'create') {
        after = this.newClient(change.input);
        before = current(after.id);
        if (before) return { change, before, after: null, errors: [{ path: 'id', message: `a client with id "${after.id}" already exists`, code: 'id-taken' }] };
      } else {
        before = current(change.id);
        if (!before) return { change, before: null, after: null, errors: [{ path: 'id', message: `no client has the id "${change.id}"`, code: 'client-unknown' }] };
        after = change.op === 'update' ? mergeClient(before, change.patch) : null;
      }
      const errors = after ? this.ruleErrors(after, refOwnerOf) : [];
      if (errors.length === 0) {
        const id = after?.id ?? before!.id;
        records.set(id, after);
        if (before?.reference) refs.set(before.reference, null);
        if (after?.reference) refs.set(after.reference, id);
      }
      return { change, before, after, errors };
    });
  }

  /**
   * A batch of client edits (an import, a merge) as one durable write: all of them or none. Any
   * change refused refuses the batch (`invalid`, each error's path prefixed with its index:
   * `3.address.postalCode`). Updates that change nothing are left out. Returns what was written.
   */
  async commitClientChanges(changes: readonly ClientChange[]): Promise<PlannedClientChange[]> {
    const plan = this.planClientChanges(changes);
    const errors = plan.flatMap((p, i) => p.errors.map((e) => ({ ...e, path: `${i}.${e.path}` })));
    if (errors.length) throw invalid(errors);
    const at = this.now().toISOString();
    const ops: Array<DirectoryOp | Op> = [];
    for (const p of plan) {
      if (p.after && p.before && sameClient(p.before, p.after)) continue;
      if (p.after) {
        if (p.before) {
          p.after.version = this.nextVersion(p.before);
          p.after.updatedAt = at;
        }
        ops.push({ op: 'client.put', record: p.after }, ...this.recordedClient(p.before ?? undefined, p.after));
      } else if (p.before) {
        ops.push({ op: 'client.del', id: p.before.id }, ...this.recordedClient(p.before, undefined));
      }
    }
    if (ops.length) await this.store.commit(ops);
    return plan;
  }

  async updateClient(id: string, patch: ClientPatch, ifMatch: string | null = null): Promise<ClientOut> {
    const current = this.store.clients.get(id);
    if (!current) throw notFound('Client', id);
    this.checkIfMatch('client', current, ifMatch);
    const next = mergeClient(current, patch);
    if (sameClient(current, next)) return this.toOut(current);
    this.checkClient(next);
    next.version = this.nextVersion(current);
    next.updatedAt = this.now().toISOString();
    await this.store.commit([{ op: 'client.put', record: next }, ...this.recordedClient(current, next)]);
    return this.toOut(next);
  }

  /** Deletes a client; returns the record as it was, so staff can undo (`restoreClient`). */
  async deleteClient(id: string, ifMatch: string | null = null): Promise<Client> {
    const current = this.store.clients.get(id);
    if (!current) throw notFound('Client', id);
    this.checkIfMatch('client', current, ifMatch);
    await this.store.commit([{ op: 'client.del', id }, ...this.recordedClient(current, undefined)]);
    return current;
  }

  /**
   * Undoing a delete: the client comes back with its id, fields and balances, as a create (one
   * durable write, pushed to the cloud like any new client). Refused when the id is in use again
   * or the client's rules no longer hold (its card was given to someone else meanwhile).
   */
  async restoreClient(deleted: Client): Promise<ClientOut> {
    if (this.store.clients.has(deleted.id)) {
      throw new AgentError('exists', 'Already exists', `A client with id "${deleted.id}" exists again; nothing to restore.`);
    }
    const record: Client = {
      ...this.newClient({ ...deleted, address: { ...deleted.address } }),
      accountBalance: deleted.accountBalance,
      walletBalance: deleted.walletBalance,
    };
    this.checkClient(record);
    await this.store.commit([{ op: 'client.put', record }, ...this.recordedClient(undefined, record)]);
    return this.toOut(record);
  }

  // ---- group writes ------------------------------------------------------------------------

  async createGroup(input: GroupCreate): Promise<GroupOut> {
    const id = input.id ?? randomUUID();
    if (this.store.groups.has(id)) {
      throw new AgentError('exists', 'Already exists', `A group with id "${id}" already exists; use PATCH to change it, or leave "id" out.`);
    }
    const record: Group = {
      id,
      name: input.name.trim(),
      discountPercent: input.discountPercent ?? 0,
      version: this.recorder ? 0 : 1,
      updatedAt: this.now().toISOString(),
    };
    this.checkGroup(record);
    await this.store.commit([{ op: 'group.put', record }, ...this.recordedGroup(undefined, record)]);
    return this.groupOut(record);
  }

  async updateGroup(id: string, patch: GroupPatch, ifMatch: string | null = null): Promise<GroupOut> {
    const current = this.store.groups.get(id);
    if (!current) throw notFound('Group', id);
    this.checkIfMatch('group', current, ifMatch);
    const next: Group = {
      ...current,
      name: patch.name !== undefined ? patch.name.trim() : current.name,
      discountPercent: patch.discountPercent ?? current.discountPercent,
    };
    if (next.name === current.name && next.discountPercent === current.discountPercent) return this.groupOut(current);
    this.checkGroup(next);
    next.version = this.nextVersion(current);
    next.updatedAt = this.now().toISOString();
    await this.store.commit([{ op: 'group.put', record: next }, ...this.recordedGroup(current, next)]);
    return this.groupOut(next);
  }

  async deleteGroup(id: string, ifMatch: string | null = null): Promise<void> {
    const current = this.store.groups.get(id);
    if (!current) throw notFound('Group', id);
    this.checkIfMatch('group', current, ifMatch);
    const count = this.groupCounts.get(id) ?? 0;
    if (count > 0) {
      throw new AgentError(
        'in-use',
        'Group in use',
        `The group "${current.name}" still has ${count} client${count > 1 ? 's' : ''}; move ${count > 1 ? 'them' : 'it'} to another group first, then delete it.`,
        undefined,
        { clientCount: count },
      );
    }
    await this.store.commit([{ op: 'group.del', id }, ...this.recordedGroup(current, undefined)]);
  }

  /**
   * Moves every client of a group to another group (or to none) and deletes the group, in one
   * durable write: staff confirm once, and a crash leaves either all of it or none of it.
   * Returns how many clients moved.
   */
  async deleteGroupMovingClients(id: string, to: string | null, ifMatch: string | null = null): Promise<number> {
    const current = this.store.groups.get(id);
    if (!current) throw notFound('Group', id);
    this.checkIfMatch('group', current, ifMatch);
    if (to === id) throw invalid([{ path: 'to', message: 'the clients must move to another group than the one deleted', code: 'group-unknown' }]);
    if (to !== null && !this.store.groups.has(to)) {
      throw invalid([{ path: 'to', message: `no group has the id "${to}"; pick an existing group or none`, code: 'group-unknown' }]);
    }
    const updatedAt = this.now().toISOString();
    const ops: Array<DirectoryOp | Op> = [];
    if ((this.groupCounts.get(id) ?? 0) > 0) {
      for (const c of this.store.clients.values()) {
        if (c.groupId !== id) continue;
        const record = { ...c, groupId: to, version: this.nextVersion(c), updatedAt };
        ops.push({ op: 'client.put', record }, ...this.recordedClient(c, record));
      }
    }
    const moved = ops.filter((op) => op.op === 'client.put').length;
    ops.push({ op: 'group.del', id }, ...this.recordedGroup(current, undefined));
    await this.store.commit(ops);
    return moved;
  }

  // ---- the authority elsewhere ----------------------------------------------------------------

  /** Offers an existing record to the authority again as a create (a refused one, once staff fixed the cause). */
  async queueCreate(entity: 'client' | 'group', id: string): Promise<void> {
    // refused again, it must stay here as the first time (adopted)
    const ops = entity === 'client' ? this.recordedClient(undefined, this.store.clients.get(id), true) : this.recordedGroup(undefined, this.store.groups.get(id), true);
    if (ops.length === 0) throw notFound(entity === 'client' ? 'Client' : 'Group', id);
    await this.store.commit(ops);
  }

  private nextVersion(current: { version: number }): number {
    return this.recorder ? current.version : current.version + 1;
  }

  /** What the recorder records of an edit (nothing standalone). */
  private recordedClient(before: Client | undefined, after: Client | undefined, adopted = false): Op[] {
    const id = (after ?? before)?.id;
    if (!this.recorder || id === undefined) return [];
    return this.recorder.recorded({ entity: 'client', id, before, after }, adopted);
  }

  private recordedGroup(before: Group | undefined, after: Group | undefined, adopted = false): Op[] {
    const id = (after ?? before)?.id;
    if (!this.recorder || id === undefined) return [];
    return this.recorder.recorded({ entity: 'group', id, before, after }, adopted);
  }

  // ---- rules -------------------------------------------------------------------------------

  private checkClient(c: Client): void {
    const errors = this.ruleErrors(c);
    if (errors.length) throw invalid(errors);
  }

  private ruleErrors(c: Client, refOwnerOf: (reference: string) => string | undefined = (r) => this.refOwner.get(r)): FieldError[] {
    const errors: FieldError[] = [];
    const required = 'required';
    if (c.kind === 'person') {
      if (!c.lastName) errors.push({ path: 'lastName', message: `${required} for a person`, code: 'required-person' });
      if (!c.firstName) errors.push({ path: 'firstName', message: `${required} for a person`, code: 'required-person' });
    } else if (!c.companyName) {
      errors.push({ path: 'companyName', message: `${required} for a company`, code: 'required-company' });
    }
    if (c.reference !== null) {
      const owner = refOwnerOf(c.reference);
      if (owner !== undefined && owner !== c.id) {
        const other = this.store.clients.get(owner);
        errors.push({
          path: 'reference',
          message: `already used by ${other ? displayName(other) : 'another client'} (id ${owner}); a reference must be unique`,
          code: 'reference-taken',
          params: { name: other ? displayName(other) : owner },
        });
      }
    }
    if (c.groupId !== null && !this.store.groups.has(c.groupId)) {
      errors.push({
        path: 'groupId',
        message: `no group has the id "${c.groupId}"; create the group first or pick an existing one`,
        code: 'group-unknown',
      });
    }
    const country = c.address.country;
    if (!COUNTRY_CODES.has(country)) {
      errors.push({
        path: 'address.country',
        message: `"${country}" is not an ISO 3166-1 alpha-2 country code (CH, LI, FR, DE, AT, IT…)`,
        code: 'country-invalid',
        params: { country },
      });
    } else if (c.address.postalCode !== null) {
      const rule = POSTAL_CODE_RULES[country];
      if (rule && !rule.re.test(c.address.postalCode)) {
        errors.push({
          path: 'address.postalCode',
          message: `expected ${rule.hint} for ${country}`,
          code: 'postal-code-invalid',
          params: { country, example: rule.example },
        });
      }
    }
    if (c.email !== null && !z.email().safeParse(c.email).success) {
      errors.push({ path: 'email', message: 'not an e-mail address (expected name@example.ch)', code: 'email-invalid' });
    }
    if (c.phone !== null && (!/^[+\d\s().\/-]+$/.test(c.phone) || c.phone.replace(/\D/g, '').length < 3)) {
      errors.push({ path: 'phone', message: 'expected a phone number: digits, spaces and + ( ) . / - only', code: 'phone-invalid' });
    }
    return errors;
  }

  private checkGroup(g: Group): void {
    const errors = this.groupNameErrors(g.name, g.id);
    if (errors.length) throw invalid(errors);
  }

  /** The rule errors of a group name (required, unique), without saving: `id` is the group renamed. */
  groupNameErrors(rawName: string, id?: string): FieldError[] {
    const g = { name: rawName.trim(), id };
    const errors: FieldError[] = [];
    if (!g.name) errors.push({ path: 'name', message: 'required', code: 'required' });
    const folded = fold(g.name);
    for (const other of this.store.groups.values()) {
      if (other.id !== g.id && fold(other.name) === folded) {
        errors.push({
          path: 'name',
          message: `a group named "${other.name}" already exists; group names must be unique`,
          code: 'group-name-taken',
          params: { name: other.name },
        });
        break;
      }
    }
    return errors;
  }

  /** Throws `stale` unless `ifMatch` (an If-Match header's value; null: none sent) names the record's etag now. */
  checkIfMatch(entity: 'client' | 'group', current: Client | Group, ifMatch: string | null): void {
    if (ifMatch === null) return;
    const what = entity === 'client' ? 'Client' : 'Group';
    const etag = this.etagOf(entity, current);
    const wanted = ifMatch
      .split(',')
      // If-Match uses the strong comparison (RFC 9110 §13.1.1): a weak tag W/"…" never matches.
      .map((t) => t.trim())
      .map((t) => (t.startsWith('W/') ? null : t.replace(/^"(.*)"$/, '$1')))
      .filter((t): t is string => t !== null)
      .filter((t) => t.length > 0);
    if (wanted.includes('*') || wanted.includes(etag)) return;
    throw stale(what, current.id, etag);
  }

  // ---- indexes -----------------------------------------------------------------------------

  /**
   * Until the returned function is called, clients written are indexed for search in one go at
   * the end instead of one by one. For a full pull: 100,000 upserts one by one cost ~9 s of index
   * merging (and ~90 MB of garbage), one rebuild ~1.5 s. Meanwhile, lookups by id and reference
   * are exact; search finds the clients it knew, under their previous text.
   */
  deferIndex(): () => void {
    this.deferred ??= new Set();
    this.deferDepth++;
    return () => {
      if (--this.deferDepth > 0 || !this.deferred) return;
      const ids = this.deferred;
      this.deferred = null;
      if (ids.size > Math.max(2000, this.index.size / 8)) {
        ids.clear(); // ~4 MB at 100,000 ids, which the build's own collection can then free
        this.index.rebuild(this.store.clients.values());
      } else {
        for (const id of ids) {
          const c = this.store.clients.get(id);
          if (c) this.index.upsert(c);
        }
      }
    };
  }

  /**
   * A write of the whole directory (a full pull from the cloud): indexed once and snapshotted once,
   * at the end, then the garbage of its pages is given back, as after loading at start. Call the
   * returned function when the write is over.
   */
  bulkWrite(): () => void {
    const endIndex = this.deferIndex();
    const endSnapshots = this.store.holdSnapshots();
    // a bulk write inside another goes on at the outer one's pace
    const outer = this.bulkPace;
    this.bulkPace = outer ?? this.garbagePace();
    return () => {
      this.bulkPace = outer;
      // the pull's garbage goes before the index build allocates its arrays, not after
      collectGarbage();
      endIndex();
      // and the build's own sort arrays (~50 MB outside the heap) before the snapshot runs, not
      // at its end: they are freed only when a full collection finds their handles
      collectGarbage();
      void endSnapshots().then(collectGarbage);
    };
  }

  private onChange(change: RecordChange): void {
    if (change.entity === 'client') {
      this.json.delete(change.id);
      if (change.before) this.track(change.before, -1);
      if (change.after) {
        this.track(change.after, +1);
        if (this.deferred) this.deferred.add(change.id);
        else this.index.upsert(change.after);
      } else {
        this.deferred?.delete(change.id);
        this.index.remove(change.id);
      }
    }
    this.bus.emit('directory', { entity: change.entity, op: change.after ? 'upsert' : 'delete', id: change.id });
    this.bulkPace?.wrote();
  }

  private track(c: Client, delta: 1 | -1): void {
    if (c.reference !== null) {
      if (delta > 0) this.refOwner.set(c.reference, c.id);
      else if (this.refOwner.get(c.reference) === c.id) this.refOwner.delete(c.reference);
    }
    if (c.groupId !== null) this.groupCounts.set(c.groupId, (this.groupCounts.get(c.groupId) ?? 0) + delta);
  }

  /** A client as the API shows it. */
  toOut(c: Readonly<Client>, match?: 'exact' | 'close'): ClientOut {
    return this.out(c, c.groupId === null ? undefined : this.store.groups.get(c.groupId), this.etagOf('client', c), match);
  }

  /**
   * Everything a client's output is made of besides the record comes in as an argument: the JSON
   * cache keys on the same. Written field by field (not `...c`): records parsed from the store come
   * in varied hidden classes, and spreading them costs ~5 µs each, which a page of 20 search
   * results pays on every keystroke.
   */
  private out(c: Readonly<Client>, g: Readonly<Group> | undefined, etag: string, match?: 'exact' | 'close'): ClientOut {
    const a = c.address;
    const out: ClientOut = {
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
      group: g ? { id: g.id, name: g.name, discountPercent: g.discountPercent } : null,
      etag,
    };
    if (match) out.match = match; // a search result's (not a spread: see above)
    return out;
  }

  private groupOut(g: Group): GroupOut {
    return { ...g, clientCount: this.groupCounts.get(g.id) ?? 0, etag: this.etagOf('group', g) };
  }
}

export function displayName(c: Client): string {
  if (c.kind === 'company') return c.companyName ?? '';
  return [c.civility, c.firstName, c.lastName].filter(Boolean).join(' ');
}

/** A PATCH applied to a client: fields sent replace, `address` fields merge, `address: null` clears it. */
function mergeClient(current: Client, patch: ClientPatch): Client {
  const next: Client = { ...current, address: { ...current.address } };
  if (patch.kind !== undefined) next.kind = patch.kind;
  for (const key of ['civility', 'lastName', 'firstName', 'companyName', 'reference', 'accountNumber', 'groupId', 'email', 'phone'] as const) {
    if (patch[key] !== undefined) next[key] = clean(patch[key]);
  }
  if (patch.notes !== undefined) next.notes = cleanNotes(patch.notes);
  if (patch.address === null) {
    next.address = { street: null, street2: null, postalCode: null, city: null, country: 'CH' };
  } else if (patch.address) {
    const a = patch.address;
    for (const key of ['street', 'street2', 'postalCode', 'city'] as const) {
      if (a[key] !== undefined) next.address[key] = clean(a[key]);
    }
    if (a.country !== undefined) next.address.country = cleanCountry(a.country);
  }
  return next;
}

function clean(value: string | null | undefined): string | null {
  if (value === null || value === undefined) return null;
  const t = value.trim().replace(/\s+/g, ' ');
  return t === '' ? null : t;
}

function cleanNotes(value: string | null | undefined): string | null {
  if (value === null || value === undefined) return null;
  const t = value.replace(/\r\n?/g, '\n').trim();
  return t === '' ? null : t;
}

function cleanCountry(value: string | null | undefined): string {
  const t = value?.trim().toUpperCase();
  return t ? t : 'CH';
}

function sameClient(a: Client, b: Client): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

const cursorSchema = z.tuple([z.number().int().min(0).max(3), z.string(), z.string(), z.string()]);

function queryTag(q: string): string {
  return fold(q.trim()).slice(0, 32);
}

export function encodeCursor(c: SearchCursor, q: string): string {
  return Buffer.from(JSON.stringify([c.rank, c.sortKey, c.id, queryTag(q)])).toString('base64url');
}

export function decodeCursor(cursor: string, q: string): SearchCursor {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    parsed = null;
  }
  const r = cursorSchema.safeParse(parsed);
  if (!r.success) {
    throw invalid([{ path: 'cursor', message: 'not a cursor this agent gave out; use the "next" value of the previous page' }]);
  }
  const [rank, sortKey, id, tag] = r.data;
  if (tag !== queryTag(q)) {
    throw invalid([{ path: 'cursor', message: 'this cursor belongs to another search; start again without a cursor' }]);
  }
  return { rank, sortKey, id };
}

function noClientWithReference(reference: string): AgentError {
  return new AgentError('not-found', 'Not found', `No client has the reference "${reference}".`);
}
