import { randomUUID } from 'node:crypto';
import type { Client, Group } from '../directory/schema.js';
import { CloudError, type MutationResult } from './cloud-client.js';
import type { CycleContext } from './context.js';
import { type Entity, type EntityRow, type MutationOf, type RecordOf, labelOf, rowOf } from './entities.js';
import type { FieldValue } from './fields.js';
import type { Mutation, SyncIssue } from './records.js';
import type { SyncedOp } from './sync-store.js';

/**
 * The push: the outbox goes to the cloud oldest first, ≤ 100 per request, one mutation per record
 * per request so each is sent on the version the previous one got. What to do with each answer
 * is decided by pure functions (decide, nextBatch), written with the rest of the request's
 * answers in one durable write: a crash anywhere loses nothing, and a resend is harmless (the
 * cloud dedupes by mutationId).
 */

export const BATCH_MAX = 100;

/**
 * Sends the outbox. Returns false when some was left for lack of rounds (many edits of one
 * record, or conflicts): the loop goes on right after this cycle.
 */
export async function push(ctx: CycleContext): Promise<boolean> {
  const { store, saved, cloud, log, now, signal } = ctx;
  const outbox = saved.outbox;
  // Conflicts are sent again once re-based; a cloud that keeps changing the same records must
  // not keep this loop going: what is left waits for the next cycle.
  let rounds = Math.ceil(outbox.size / BATCH_MAX) + 5;
  while (outbox.size > 0 && rounds-- > 0) {
    const batch = nextBatch(outbox.values(), (key) => outbox.isDurable(key));
    if (batch.length === 0) {
      // the oldest edit's write is still on its way to disk: wait for it, never send nothing
      await store.settled();
      continue;
    }
    const results = await cloud.push(batch, signal);
    const ops: SyncedOp[] = [];
    for (let i = 0; i < batch.length; i++) {
      const m = batch[i]!;
      const decision = decide(m, results[i]!, {
        later: outbox.pendingFor(m.entity, m.id).filter((x) => x.key !== m.key),
        local: store.record(m.entity, m.id),
        at: now().toISOString(),
        newId: randomUUID,
      });
      if (decision.warning) log.warn(decision.warning);
      ops.push(...decision.ops);
    }
    await store.commit(ops);
  }
  return outbox.size === 0;
}

/**
 * The oldest mutations, up to `max`, stopping before a second one for the same record, before
 * one whose write is not on disk yet (if that write fails it is undone, and the cloud must not
 * have it), and before a group deletion unless it goes first (it goes after the moves of its
 * clients are settled: one may conflict; see EntityRow.deletionFirst).
 */
export function nextBatch(outbox: Iterable<Mutation>, isDurable: (key: string) => boolean, max = BATCH_MAX): Mutation[] {
  const batch: Mutation[] = [];
  const records = new Set<string>();
  for (const m of outbox) {
    const key = `${m.entity}:${m.id}`;
    if (batch.length === max || records.has(key)) break;
    if (!isDurable(m.key)) break;
    if (m.op === 'delete' && rowOf(m).deletionFirst && batch.length > 0) break;
    records.add(key);
    batch.push(m);
  }
  return batch;
}

/** What an answer is decided with, besides the answer. */
export interface PushSituation {
  /** The same record's mutations queued after this one (never sent: one per record per request). */
  later: readonly Mutation[];
  /** The record as it is here now (undefined: not here). */
  local: Client | Group | undefined;
  /** When: issues are dated. */
  at: string;
  /** New ids: of issues, and of mutations sent again. */
  newId: () => string;
}

export interface PushDecision {
  /** What to write, in one durable write with the other answers of the request. */
  ops: SyncedOp[];
  /** What the log should say (null: nothing). */
  warning: string | null;
}

/**
 * What the cloud's answer to one mutation changes here. Throws a CloudError (nothing is written,
 * the cycle fails) when a conflict's current record is not a valid record of it.
 */
export function decide(m: Mutation, result: MutationResult, s: PushSituation): PushDecision {
  const row = rowOf(m);
  switch (result.status) {
    case 'applied':
      return applied(row, m, result.data, s);
    case 'conflict':
      return conflict(row, m, result.current, s);
    case 'rejected':
      return rejected(row, m, result.code, result.message, s);
  }
}

/** The cloud took it: it leaves the outbox, the cloud's record comes in with the shop's later edits on top. */
function applied<E extends Entity>(row: EntityRow<E>, m: MutationOf<E>, data: unknown, s: PushSituation): PushDecision {
  const ops: SyncedOp[] = [{ op: 'outbox.del', key: m.key }];
  if (m.op === 'delete') return { ops, warning: null };
  let record: RecordOf<E>;
  try {
    record = parseRecord(row, m, data, `the record the cloud returned for mutation ${m.mutationId}`);
  } catch (err) {
    // The cloud applied it (and would answer the same to a resend): keeping it would block the
    // outbox for good. It leaves the outbox, the copy here stays as the shop made it until the
    // next pull brings the cloud's record, and staff see why.
    const message = err instanceof Error ? err.message : String(err);
    ops.push(issueOp(s, { kind: 'rejected', m, label: labelOf(s.local ?? m.base), code: 'invalid-answer', message }));
    return { ops, warning: `cloud sync: ${message}` };
  }
  const later = s.later.filter(row.owns);
  // Later edits of the record were made on the shop's copy: they now stand on this version.
  for (const l of later) ops.push({ op: 'outbox.put', mutation: row.rebased(l, record) });
  ops.push(...localOps(row, record, later));
  return { ops, warning: null };
}

/**
 * Someone changed (or deleted) the record in the cloud since the edit's base. The edit and the
 * later ones of the same record are each re-applied on the cloud's record, in their places in
 * the outbox (an edit of a client may depend on a group created between them): fields the cloud
 * did not change are sent again, under a new mutationId (the old one would get its first answer
 * again); a field both sides changed keeps the cloud's value, and the shop's is kept as an issue
 * for staff.
 */
function conflict<E extends Entity>(row: EntityRow<E>, m: MutationOf<E>, rawCurrent: unknown, s: PushSituation): PushDecision {
  const current = rawCurrent === null ? null : parseRecord(row, m, rawCurrent, `the current record the cloud returned for mutation ${m.mutationId}`);
  const chain = [m, ...s.later.filter(row.owns)];
  const ops: SyncedOp[] = [];
  const deleted = chain.find((x) => x.op === 'delete');
  const label = labelOf(s.local ?? current ?? m.base);

  if (current === null || deleted) {
    for (const x of chain) ops.push({ op: 'outbox.del', key: x.key });
    if (current === null) {
      if (deleted) return { ops, warning: null }; // deleted on both sides: nothing more to do
      // The shop edited what the cloud deleted: the cloud wins, the shop's record is kept for staff.
      ops.push(row.del(m.id));
      ops.push(issueOp(s, { kind: 'deleted-in-cloud', m, label, record: s.local ?? null }));
      return { ops, warning: null };
    }
    // The shop deleted what the cloud changed meanwhile: keep the cloud's record, let staff decide.
    ops.push(...localOps(row, current, []));
    ops.push(issueOp(s, { kind: 'changed-in-cloud', m: deleted ?? m, label }));
    return { ops, warning: null };
  }

  const now = row.flatRecord(current);
  const base = m.base === null ? null : row.flatRecord(m.base);
  const conflicts = new Map<string, SyncIssue['fields'][number]>();
  const resent: Array<MutationOf<E>> = [];
  for (const x of chain) {
    const keep = new Map<string, FieldValue>();
    for (const [path, value] of row.flatData(x)) {
      const cloud = now.get(path) ?? null;
      if (cloud === value) continue;
      const cloudChanged = base === null || (base.get(path) ?? null) !== cloud;
      if (cloudChanged) conflicts.set(path, { path, shop: value, cloud });
      else keep.set(path, value);
    }
    const again = keep.size > 0 ? row.rebuilt(x, current, keep, s.newId()) : null;
    if (again) resent.push(again);
    ops.push(again ? { op: 'outbox.put', mutation: again } : { op: 'outbox.del', key: x.key });
  }
  ops.push(...localOps(row, current, resent));
  const fields = [...conflicts.values()];
  if (fields.length) ops.push(issueOp(s, { kind: 'conflict', m, label, fields }));
  const warning =
    `cloud sync: ${m.entity} ${m.id} was changed in the cloud meanwhile; ` +
    (resent.length ? `the shop's other changes are sent again on version ${current.version}` : 'nothing else to send') +
    (fields.length ? `; kept the cloud's value of ${fields.map((f) => f.path).join(', ')} (shown under conflicts)` : '');
  return { ops, warning };
}

/** The cloud refused the edit: it leaves the outbox, the record goes back to the cloud's state. */
function rejected<E extends Entity>(row: EntityRow<E>, m: MutationOf<E>, code: string, message: string, s: PushSituation): PushDecision {
  const later = s.later.filter(row.owns);
  const label = labelOf(s.local ?? m.base);
  const ops: SyncedOp[] = [{ op: 'outbox.del', key: m.key }];
  const fields: SyncIssue['fields'] = [];
  const base = m.base === null ? null : row.flatRecord(m.base);
  for (const [path, value] of row.flatData(m)) fields.push({ path, shop: value, cloud: base?.get(path) ?? null });
  if (m.base === null) {
    // A refused create: the record does not exist in the cloud, nor do its later edits. One
    // made before the cloud was configured stays here (the shop's own data), flagged.
    for (const l of later) ops.push({ op: 'outbox.del', key: l.key });
    if (!m.adopted) ops.push(row.del(m.id));
  } else {
    ops.push(...localOps(row, m.base, later));
  }
  ops.push(issueOp(s, { kind: 'rejected', m, label, fields, code, message, record: m.base === null ? (s.local ?? null) : null }));
  return { ops, warning: `cloud sync: the cloud refused the ${m.op} of ${m.entity} "${label}" (${code}: ${message}); the record is back to the cloud's state` };
}

/** The local copy of a record: the cloud's, with the shop's pending edits on top. */
function localOps<E extends Entity>(row: EntityRow<E>, record: RecordOf<E>, pending: ReadonlyArray<MutationOf<E>>): SyncedOp[] {
  if (pending.some((p) => p.op === 'delete')) return [];
  return [row.put(pending.reduce((r, p) => row.withData(r, p), record))];
}

/** A record the cloud returned for `m`: valid, and the same record (a foreign id must not overwrite another). */
function parseRecord<E extends Entity>(row: EntityRow<E>, m: MutationOf<E>, data: unknown, what: string): RecordOf<E> {
  const parsed = row.parse(data);
  if (!parsed.success || parsed.data.id !== m.id) {
    const first = parsed.success ? { path: ['id'], message: `is "${parsed.data.id}", expected "${m.id}"` } : parsed.error.issues[0];
    throw new CloudError(
      'invalid',
      `${what} is not a valid ${m.entity} ${m.id} (${first ? `${first.path.join('.')}: ${first.message}` : 'bad shape'}); nothing was changed here. Tell the cloud server's provider.`,
    );
  }
  return parsed.data;
}

function issueOp(
  s: PushSituation,
  i: { kind: SyncIssue['kind']; m: Mutation; label: string; fields?: SyncIssue['fields']; record?: Client | Group | null; code?: string; message?: string },
): SyncedOp {
  return {
    op: 'issue.put',
    issue: {
      id: s.newId(),
      kind: i.kind,
      entity: i.m.entity,
      recordId: i.m.id,
      label: i.label,
      op: i.m.op,
      at: s.at,
      fields: i.fields ?? [],
      record: i.record ?? null,
      code: i.code ?? null,
      message: i.message ?? null,
    },
  };
}
