import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { getRequestListener } from '@hono/node-server';
import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { z } from 'zod';
import { clientRecordSchema, groupRecordSchema, type Client, type Group } from '../../agent/directory/schema.js';

/**
 * The reference cloud: the server side of shared/contracts/cloud-sync.md, kept in memory. The
 * agent's sync tests run against it, and `tsx test/fakes/cloud-main.ts` serves it for a local demo. It
 * answers exactly what the contract promises (plus `remaining` on a pull page) so that an agent
 * passing against it relies on nothing more.
 */

export interface ReferenceCloudOptions {
  /** The Bearer token it accepts. */
  token: string;
  /** Initial records: their version is kept if >= 1, else set to 1. */
  clients?: Client[];
  groups?: Group[];
  now?: () => Date;
}

/** `hang`: accept the request and never answer (until close/goOffline destroys the socket). */
export type CloudFault = null | 'hang' | { status: number };

export interface CloudRequest {
  method: string;
  path: string;
  status: number;
  agentId: string | null;
  at: number;
}

export type Entity = 'client' | 'group';

export interface Change {
  entity: Entity;
  op: 'upsert' | 'delete';
  id: string;
  version: number;
  data?: Client | Group;
}

export type RejectCode = 'validation' | 'duplicate-reference' | 'duplicate-name' | 'group-in-use';

export type MutationResult =
  | { mutationId: string; status: 'applied'; version: number; data?: Client | Group }
  | { mutationId: string; status: 'conflict'; current: Client | Group | null }
  | { mutationId: string; status: 'rejected'; code: RejectCode; message: string };

const mutationSchema = z.object({
  mutationId: z.string().min(1).max(100),
  entity: z.enum(['client', 'group']),
  op: z.enum(['create', 'update', 'delete']),
  id: z.string().min(1).max(64),
  baseVersion: z.number().int().nullable(),
  data: z.record(z.string(), z.unknown()).optional(),
});
type Mutation = z.infer<typeof mutationSchema>;

const MAX_BATCH = 100;
const mutationsBodySchema = z.object({ mutations: z.array(mutationSchema).min(1).max(MAX_BATCH) });

const cursorSchema = z.object({ s: z.number().int().min(0), e: z.string().min(1) });

const DEFAULT_LIMIT = 500;
const MAX_LIMIT = 1000;

/** Fields the shop may set. id, version, updatedAt and the balances belong to the cloud. */
const CLIENT_EDITABLE = ['kind', 'civility', 'lastName', 'firstName', 'companyName', 'reference', 'accountNumber', 'groupId', 'email', 'phone', 'address', 'notes'] as const;
/** The back office also owns the balances. */
const CLIENT_BACK_OFFICE = [...CLIENT_EDITABLE, 'accountBalance', 'walletBalance'] as const;
const ADDRESS_FIELDS = ['street', 'street2', 'postalCode', 'city', 'country'] as const;
const GROUP_EDITABLE = ['name', 'discountPercent'] as const;

type Rejection = { code: RejectCode; message: string };
type Checked<T> = { record: T } | { rejected: Rejection };

class ProblemError extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    readonly detail: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(detail);
  }
}

/** RFC 9457 problem details, the shape of every error this server answers. */
function problem(status: number, title: string, detail: string, headers: Record<string, string> = {}): Response {
  const slug = title.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
  const body = JSON.stringify({ type: `https://cloud.reference.invalid/problems/${slug}`, title, status, detail });
  // 1xx, 204, 205 and 304 cannot carry a body (a fault may ask for any status)
  const bodiless = status < 200 || status === 204 || status === 205 || status === 304;
  return new Response(bodiless ? null : body, { status, headers: { 'Content-Type': 'application/problem+json', ...headers } });
}

function describeIssues(issues: readonly z.core.$ZodIssue[]): string {
  return issues.map((i) => `${i.path.length > 0 ? i.path.map(String).join('.') : '(body)'}: ${i.message}`).join('; ');
}

function sameSecret(given: string, expected: string): boolean {
  // hashing first gives equal lengths, so the comparison leaks neither content nor length
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function blank(s: string | null): boolean {
  return s === null || s.trim() === '';
}

/**
 * Copies only the named fields present in `from`: unknown keys (including a JSON `__proto__`) never
 * reach a record.
 */
function pick(from: Record<string, unknown>, keys: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of keys) if (Object.hasOwn(from, key)) out[key] = from[key];
  return out;
}

/** Top-level fields replace, `address` merges field by field. */
function mergeClient(current: Client, fields: Record<string, unknown>, keys: readonly string[]): Record<string, unknown> {
  const merged: Record<string, unknown> = { ...current, ...pick(fields, keys) };
  const address = fields['address'];
  if (keys.includes('address') && isRecord(address)) merged['address'] = { ...current.address, ...pick(address, ADDRESS_FIELDS) };
  return merged;
}

function copyClient(c: Client): Client {
  return { ...c, address: { ...c.address } };
}

/**
 * Counts per position with O(log n) update, append and prefix sum: how many live entries follow a
 * page, without walking the rest of the log.
 */
class Fenwick {
  /** 1-based: tree[i] sums the items (i - lowbit(i), i]. */
  private tree: number[] = [0];
  total = 0;

  static ofOnes(n: number): Fenwick {
    const f = new Fenwick();
    for (let i = 1; i <= n; i++) f.tree.push(i & -i);
    f.total = n;
    return f;
  }

  push(value: number): void {
    const i = this.tree.length;
    this.tree.push(value + this.prefix(i - 1) - this.prefix(i - (i & -i)));
    this.total += value;
  }

  add(index: number, delta: number): void {
    for (let i = index + 1; i < this.tree.length; i += i & -i) this.tree[i] = (this.tree[i] ?? 0) + delta;
    this.total += delta;
  }

  /** Sum of the first `count` items. */
  prefix(count: number): number {
    let sum = 0;
    for (let i = count; i > 0; i -= i & -i) sum += this.tree[i] ?? 0;
    return sum;
  }
}

interface LogEntry {
  seq: number;
  entity: Entity;
  id: string;
  op: 'upsert' | 'delete';
  version: number;
  /** Superseded by a later entry for the same record: skipped, and dropped at the next compaction. */
  stale: boolean;
  /** Position in `entries`, so superseding needs no search. */
  index: number;
}

/**
 * One entry per record, the latest only, in seq order. A record that changes moves to the end, so a
 * pull that already passed it sees it again and one that has not yet reached it sees it once.
 */
class ChangeLog {
  private entries: LogEntry[] = [];
  private readonly latest = new Map<string, LogEntry>();
  private live = new Fenwick();
  private staleCount = 0;
  private lastSeq = 0;

  private static key(entity: Entity, id: string): string {
    return `${entity}:${id}`;
  }

  /** The version of the record's last change, tombstones included, so versions never go back. */
  versionOf(entity: Entity, id: string): number | undefined {
    return this.latest.get(ChangeLog.key(entity, id))?.version;
  }

  append(entity: Entity, id: string, op: LogEntry['op'], version: number): void {
    const key = ChangeLog.key(entity, id);
    const previous = this.latest.get(key);
    if (previous) this.supersede(previous);
    const entry: LogEntry = { seq: ++this.lastSeq, entity, id, op, version, stale: false, index: this.entries.length };
    this.entries.push(entry);
    this.live.push(1);
    this.latest.set(key, entry);
    if (this.staleCount * 2 > this.entries.length) this.compact();
  }

  /** Tombstones are only needed by cursors; once every cursor is refused they can go. */
  forgetTombstones(): void {
    for (const [key, entry] of this.latest) {
      if (entry.op !== 'delete') continue;
      this.supersede(entry);
      this.latest.delete(key);
    }
    this.compact();
  }

  /**
   * At most `limit` entries after `afterSeq` (from the start, tombstones left out, when null).
   * `lastSeq` is the seq of the last entry looked at, `remaining` the live entries after it.
   */
  page(afterSeq: number | null, limit: number): { entries: LogEntry[]; lastSeq: number; remaining: number } {
    let i = afterSeq === null ? 0 : this.firstAfter(afterSeq);
    let lastSeq = afterSeq ?? 0;
    const out: LogEntry[] = [];
    for (; i < this.entries.length && out.length < limit; i++) {
      const entry = this.entries[i];
      if (entry === undefined) break;
      lastSeq = entry.seq;
      if (entry.stale || (afterSeq === null && entry.op === 'delete')) continue;
      out.push(entry);
    }
    return { entries: out, lastSeq, remaining: this.live.total - this.live.prefix(i) };
  }

  get seq(): number {
    return this.lastSeq;
  }

  private firstAfter(seq: number): number {
    let lo = 0;
    let hi = this.entries.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.entries[mid]?.seq ?? Infinity) <= seq) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private supersede(entry: LogEntry): void {
    entry.stale = true;
    this.staleCount++;
    this.live.add(entry.index, -1);
  }

  private compact(): void {
    this.entries = this.entries.filter((e) => !e.stale);
    this.entries.forEach((e, i) => {
      e.index = i;
    });
    this.live = Fenwick.ofOnes(this.entries.length);
    this.staleCount = 0;
  }
}

export class ReferenceCloud {
  readonly fetch: (req: Request) => Response | Promise<Response>;
  fault: CloudFault = null;
  readonly requests: CloudRequest[] = [];
  readonly appliedCount = new Map<string, number>();

  private readonly token: string;
  private readonly now: () => Date;
  private readonly clients = new Map<string, Client>();
  private readonly groups = new Map<string, Group>();
  /** reference → client id, for uniqueness without a scan of every client. */
  private readonly references = new Map<string, string>();
  /** group id → number of clients in it. */
  private readonly groupSizes = new Map<string, number>();
  private readonly log = new ChangeLog();
  private readonly results = new Map<string, MutationResult>();
  /** Changes at every expireCursors(): a cursor carries the epoch it was made in. */
  private epoch = newEpoch();
  private server: Server | null = null;
  private port: number | null = null;

  constructor(options: ReferenceCloudOptions) {
    this.token = options.token;
    this.now = options.now ?? (() => new Date());
    // groups first, so that a full pull delivers a group before the clients in it
    for (const g of options.groups ?? []) {
      if (this.groups.has(g.id)) throw new Error(`initial groups: the id "${g.id}" appears twice`);
      const record = { ...g, version: g.version >= 1 ? g.version : 1 };
      const broken = this.groupRuleError(record);
      if (broken) throw new Error(`initial groups: ${broken.message}`);
      this.putGroup(record);
    }
    for (const c of options.clients ?? []) {
      if (this.clients.has(c.id)) throw new Error(`initial clients: the id "${c.id}" appears twice`);
      const record = { ...copyClient(c), version: c.version >= 1 ? c.version : 1 };
      const broken = this.clientRuleError(record);
      if (broken) throw new Error(`initial clients: ${broken.message}`);
      this.putClient(record);
    }
    const app = this.buildApp();
    this.fetch = (req) => app.fetch(req);
  }

  // ---- listening -------------------------------------------------------------------------------

  async listen(port = 0): Promise<string> {
    if (this.server) throw new Error('the reference cloud is already listening: close() it first');
    const server = createServer(getRequestListener(this.fetch));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
    const address = server.address();
    if (address === null || typeof address === 'string') throw new Error('the server did not report a TCP port');
    this.server = server;
    this.port = address.port;
    return `http://127.0.0.1:${address.port}`;
  }

  async close(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = null;
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      // server.close() alone would wait for keep-alive sockets and hung requests
      server.closeAllConnections();
    });
  }

  goOffline(): Promise<void> {
    return this.close();
  }

  async goOnline(): Promise<void> {
    if (this.server) return;
    if (this.port === null) throw new Error('goOnline(): the reference cloud never listened; call listen() first');
    await this.listen(this.port);
  }

  // ---- the back office -------------------------------------------------------------------------

  upsertClient(record: Client): Client {
    const next = accepted(this.checkClient({ ...record, version: this.nextVersion('client', record.id), updatedAt: this.stamp() }));
    this.putClient(next);
    return copyClient(next);
  }

  patchClient(id: string, fields: Partial<Client>): Client {
    const current = this.clients.get(id);
    if (!current) throw new Error(`patchClient: no client "${id}"`);
    const next = accepted(this.checkClient({ ...mergeClient(current, fields, CLIENT_BACK_OFFICE), version: current.version + 1, updatedAt: this.stamp() }));
    this.putClient(next);
    return copyClient(next);
  }

  deleteClient(id: string): void {
    if (!this.clients.has(id)) throw new Error(`deleteClient: no client "${id}"`);
    this.removeClient(id);
  }

  upsertGroup(record: Group): Group {
    const next = accepted(this.checkGroup({ ...record, version: this.nextVersion('group', record.id), updatedAt: this.stamp() }));
    this.putGroup(next);
    return { ...next };
  }

  deleteGroup(id: string): void {
    if (!this.groups.has(id)) throw new Error(`deleteGroup: no group "${id}"`);
    const inUse = this.groupInUse(id);
    if (inUse) throw new Error(`deleteGroup: ${inUse.message}`);
    this.removeGroup(id);
  }

  client(id: string): Client | undefined {
    const c = this.clients.get(id);
    return c && copyClient(c);
  }

  group(id: string): Group | undefined {
    const g = this.groups.get(id);
    return g && { ...g };
  }

  clientCount(): number {
    return this.clients.size;
  }

  expireCursors(): void {
    this.epoch = newEpoch();
    this.log.forgetTombstones();
  }

  // ---- HTTP ------------------------------------------------------------------------------------

  private buildApp(): Hono {
    const app = new Hono();

    app.use('*', async (c, next) => {
      await next();
      this.requests.push({ method: c.req.method, path: c.req.path, status: c.res.status, agentId: c.req.header('x-agent-id') ?? null, at: Date.now() });
    });

    app.use('*', async (c, next) => {
      const fault = this.fault;
      if (fault === 'hang') return new Promise<Response>(() => {});
      if (fault !== null) return problem(fault.status, 'Injected fault', `The reference cloud was told to answer ${fault.status} (fault injection).`);
      await next();
    });

    app.use('/v1/*', async (c, next) => {
      const match = /^Bearer +(\S+) *$/i.exec(c.req.header('authorization') ?? '');
      if (!match?.[1] || !sameSecret(match[1], this.token)) {
        throw new ProblemError(401, 'Unauthorized', 'Send the header Authorization: Bearer <token>, with the token of cloud.token in agent.config.json.', {
          'WWW-Authenticate': 'Bearer',
        });
      }
      if (!c.req.header('x-agent-id')?.trim()) {
        throw new ProblemError(400, 'Bad request', 'Send the header X-Agent-Id: <the UUID this agent created at its first start>.');
      }
      await next();
    });

    app.get('/v1/directory/changes', (c) => c.json(this.pull(c.req.query('cursor'), c.req.query('limit'))));

    app.post('/v1/directory/mutations', async (c) => {
      let raw: unknown;
      try {
        raw = await c.req.json();
      } catch {
        throw new ProblemError(400, 'Bad request', 'The body is not valid JSON; send { "mutations": [...] } with Content-Type: application/json.');
      }
      const parsed = mutationsBodySchema.safeParse(raw);
      if (!parsed.success) {
        throw new ProblemError(400, 'Bad request', `Send { "mutations": [...] } with 1 to ${MAX_BATCH} valid mutations: ${describeIssues(parsed.error.issues)}`);
      }
      return c.json({ results: parsed.data.mutations.map((m) => this.mutate(m)) });
    });

    app.notFound((c) => problem(404, 'Not found', `${c.req.method} ${c.req.path} is not part of the sync contract (GET /v1/directory/changes, POST /v1/directory/mutations).`));

    app.onError((err) => {
      if (err instanceof ProblemError) return problem(err.status, err.title, err.detail, err.headers);
      if (err instanceof HTTPException) return problem(err.status, 'Error', err.message || 'Error');
      return problem(500, 'Internal error', `The reference cloud failed: ${err.message}`);
    });

    return app;
  }

  // ---- pull ------------------------------------------------------------------------------------

  private pull(cursorParam: string | undefined, limitParam: string | undefined) {
    const limit = parseLimit(limitParam);
    // an empty cursor is what an agent with nothing stored may send: the same as none
    const given = cursorParam === undefined || cursorParam === '' ? null : cursorParam;
    const afterSeq = given === null ? null : this.decodeCursor(given);
    const page = this.log.page(afterSeq, limit);
    const changes = page.entries.map((e) => this.changeOf(e));
    // an idle agent gets its own cursor back, byte for byte
    const cursor = given !== null && changes.length === 0 ? given : encodeCursor(page.lastSeq, this.epoch);
    return { changes, cursor, hasMore: page.remaining > 0, remaining: page.remaining };
  }

  private decodeCursor(cursor: string): number {
    const malformed = new ProblemError(400, 'Bad request', 'The cursor is not one this server hands out: send back the cursor of the last page exactly, or no cursor to pull everything.');
    if (!/^[A-Za-z0-9_-]+$/.test(cursor)) throw malformed;
    let raw: unknown;
    try {
      raw = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    } catch {
      throw malformed;
    }
    const parsed = cursorSchema.safeParse(raw);
    if (!parsed.success) throw malformed;
    if (parsed.data.e !== this.epoch) {
      throw new ProblemError(410, 'Gone', 'The cursor is too old: the changes since then are no longer kept. Pull again without a cursor and replace the local copy.');
    }
    if (parsed.data.s > this.log.seq) throw malformed;
    return parsed.data.s;
  }

  private changeOf(entry: LogEntry): Change {
    const base = { entity: entry.entity, id: entry.id, version: entry.version };
    if (entry.op === 'delete') return { ...base, op: 'delete' };
    const data = entry.entity === 'client' ? this.clients.get(entry.id) : this.groups.get(entry.id);
    if (data === undefined) throw new Error(`change log out of step: ${entry.entity} "${entry.id}" has an upsert but no record`);
    return { ...base, op: 'upsert', data };
  }

  // ---- push ------------------------------------------------------------------------------------

  private mutate(m: Mutation): MutationResult {
    const first = this.results.get(m.mutationId);
    if (first) return first;
    const result = m.entity === 'client' ? this.mutateClient(m) : this.mutateGroup(m);
    // A conflict changed nothing and is not final: the agent rebases and may send the same
    // mutationId again with the new baseVersion, which must then be applied, not answered from memory.
    if (result.status !== 'conflict') this.results.set(m.mutationId, result);
    if (result.status === 'applied') this.appliedCount.set(m.mutationId, (this.appliedCount.get(m.mutationId) ?? 0) + 1);
    return result;
  }

  private mutateClient(m: Mutation): MutationResult {
    const { mutationId } = m;
    const current = this.clients.get(m.id);
    if (m.op === 'create') {
      if (current) return { mutationId, status: 'conflict', current };
      if (!m.data) return rejected(mutationId, { code: 'validation', message: 'A create needs data: the whole client record.' });
      const candidate = { ...pick(m.data, CLIENT_EDITABLE), id: m.id, accountBalance: 0, walletBalance: 0, version: this.nextVersion('client', m.id), updatedAt: this.stamp() };
      return this.applied(mutationId, this.checkClient(candidate));
    }
    if (!current) return { mutationId, status: 'conflict', current: null };
    if (m.baseVersion !== current.version) return { mutationId, status: 'conflict', current };
    if (m.op === 'delete') return { mutationId, status: 'applied', version: this.removeClient(m.id) };
    if (!m.data) return rejected(mutationId, { code: 'validation', message: 'An update needs data: the fields that changed.' });
    const merged = { ...mergeClient(current, m.data, CLIENT_EDITABLE), version: current.version + 1, updatedAt: this.stamp() };
    return this.applied(mutationId, this.checkClient(merged));
  }

  private mutateGroup(m: Mutation): MutationResult {
    const { mutationId } = m;
    const current = this.groups.get(m.id);
    if (m.op === 'create') {
      if (current) return { mutationId, status: 'conflict', current };
      if (!m.data) return rejected(mutationId, { code: 'validation', message: 'A create needs data: the whole group record.' });
      const candidate = { ...pick(m.data, GROUP_EDITABLE), id: m.id, version: this.nextVersion('group', m.id), updatedAt: this.stamp() };
      return this.applied(mutationId, this.checkGroup(candidate));
    }
    if (!current) return { mutationId, status: 'conflict', current: null };
    if (m.baseVersion !== current.version) return { mutationId, status: 'conflict', current };
    if (m.op === 'delete') {
      const inUse = this.groupInUse(m.id);
      if (inUse) return rejected(mutationId, inUse);
      return { mutationId, status: 'applied', version: this.removeGroup(m.id) };
    }
    if (!m.data) return rejected(mutationId, { code: 'validation', message: 'An update needs data: the fields that changed.' });
    const merged = { ...current, ...pick(m.data, GROUP_EDITABLE), version: current.version + 1, updatedAt: this.stamp() };
    return this.applied(mutationId, this.checkGroup(merged));
  }

  private applied(mutationId: string, checked: Checked<Client> | Checked<Group>): MutationResult {
    if ('rejected' in checked) return rejected(mutationId, checked.rejected);
    const record = checked.record;
    if ('kind' in record) this.putClient(record);
    else this.putGroup(record);
    return { mutationId, status: 'applied', version: record.version, data: record };
  }

  // ---- rules -----------------------------------------------------------------------------------

  private checkClient(candidate: unknown): Checked<Client> {
    const parsed = clientRecordSchema.safeParse(candidate);
    if (!parsed.success) return { rejected: { code: 'validation', message: `The client record is invalid: ${describeIssues(parsed.error.issues)}` } };
    const broken = this.clientRuleError(parsed.data);
    return broken ? { rejected: broken } : { record: parsed.data };
  }

  private clientRuleError(c: Client): Rejection | null {
    if (c.kind === 'person' && (blank(c.lastName) || blank(c.firstName))) {
      return { code: 'validation', message: `Client "${c.id}" is a person: lastName and firstName are required.` };
    }
    if (c.kind === 'company' && blank(c.companyName)) {
      return { code: 'validation', message: `Client "${c.id}" is a company: companyName is required.` };
    }
    if (c.reference !== null) {
      const other = this.references.get(c.reference);
      if (other !== undefined && other !== c.id) {
        return { code: 'duplicate-reference', message: `The reference "${c.reference}" already belongs to client "${other}"; a reference must be unique.` };
      }
    }
    if (c.groupId !== null && !this.groups.has(c.groupId)) {
      return { code: 'validation', message: `Client "${c.id}" names the group "${c.groupId}", which does not exist; use an existing group id or null.` };
    }
    return null;
  }

  private checkGroup(candidate: unknown): Checked<Group> {
    const parsed = groupRecordSchema.safeParse(candidate);
    if (!parsed.success) return { rejected: { code: 'validation', message: `The group record is invalid: ${describeIssues(parsed.error.issues)}` } };
    const broken = this.groupRuleError(parsed.data);
    return broken ? { rejected: broken } : { record: parsed.data };
  }

  private groupRuleError(g: Group): Rejection | null {
    const name = g.name.trim();
    if (name === '') return { code: 'validation', message: `Group "${g.id}": name is required.` };
    for (const other of this.groups.values()) {
      if (other.id !== g.id && other.name.trim().localeCompare(name, undefined, { sensitivity: 'accent' }) === 0) {
        return { code: 'duplicate-name', message: `The name "${g.name}" is already used by group "${other.id}" (names are compared ignoring case).` };
      }
    }
    if (g.discountPercent < 0 || g.discountPercent > 100) {
      return { code: 'validation', message: `Group "${g.id}": discountPercent must be from 0 to 100.` };
    }
    return null;
  }

  private groupInUse(id: string): Rejection | null {
    const n = this.groupSizes.get(id) ?? 0;
    if (n === 0) return null;
    return { code: 'group-in-use', message: `Group "${id}" has ${n} client${n === 1 ? '' : 's'}; move them to another group (or to none) before deleting it.` };
  }

  // ---- storage: records, indexes and the change log stay in step here only ---------------------

  private nextVersion(entity: Entity, id: string): number {
    return (this.log.versionOf(entity, id) ?? 0) + 1;
  }

  private stamp(): string {
    return this.now().toISOString();
  }

  private putClient(next: Client): void {
    this.unindexClient(next.id);
    this.clients.set(next.id, next);
    if (next.reference !== null) this.references.set(next.reference, next.id);
    if (next.groupId !== null) this.groupSizes.set(next.groupId, (this.groupSizes.get(next.groupId) ?? 0) + 1);
    this.log.append('client', next.id, 'upsert', next.version);
  }

  /** Deletes the client and returns the tombstone's version. */
  private removeClient(id: string): number {
    const version = this.nextVersion('client', id);
    this.unindexClient(id);
    this.clients.delete(id);
    this.log.append('client', id, 'delete', version);
    return version;
  }

  private unindexClient(id: string): void {
    const previous = this.clients.get(id);
    if (!previous) return;
    if (previous.reference !== null && this.references.get(previous.reference) === id) this.references.delete(previous.reference);
    if (previous.groupId !== null) this.groupSizes.set(previous.groupId, (this.groupSizes.get(previous.groupId) ?? 1) - 1);
  }

  private putGroup(next: Group): void {
    this.groups.set(next.id, next);
    this.log.append('group', next.id, 'upsert', next.version);
  }

  private removeGroup(id: string): number {
    const version = this.nextVersion('group', id);
    this.groups.delete(id);
    this.groupSizes.delete(id);
    this.log.append('group', id, 'delete', version);
    return version;
  }
}

/** A back-office edit is trusted code: a record that breaks a rule is a bug in the test. */
function accepted<T>(checked: Checked<T>): T {
  if ('rejected' in checked) throw new Error(`back-office edit refused (${checked.rejected.code}): ${checked.rejected.message}`);
  return checked.record;
}

function rejected(mutationId: string, r: Rejection): MutationResult {
  return { mutationId, status: 'rejected', code: r.code, message: r.message };
}

function newEpoch(): string {
  // random, so a cursor from another run of the server (whose seqs mean other things) is refused
  return randomBytes(6).toString('base64url');
}

function encodeCursor(seq: number, epoch: string): string {
  return Buffer.from(JSON.stringify({ s: seq, e: epoch })).toString('base64url');
}

function parseLimit(param: string | undefined): number {
  if (param === undefined || param === '') return DEFAULT_LIMIT;
  if (!/^-?\d+$/.test(param)) throw new ProblemError(400, 'Bad request', `limit must be a whole number (1 to ${MAX_LIMIT}), not "${param.slice(0, 40)}".`);
  return Math.min(MAX_LIMIT, Math.max(1, Number(param)));
}
