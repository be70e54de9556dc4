import { randomUUID } from 'node:crypto';
import net from 'node:net';
import { displayName } from '../directory/directory.js';
import { type Client, type Group, clientRecordSchema, groupRecordSchema, isClient } from '../directory/schema.js';
import type { DirectoryOp } from '../directory/store-format.js';
import type { EventBus } from '../events.js';
import type { Logger } from '../log.js';
import { type Change, type ChangePage, CloudClient, CloudError, type CloudProblemCode, type MutationResult } from './cloud-client.js';
import {
  type FieldValue,
  applyClientFields,
  applyGroupFields,
  clientFields,
  clientFieldsFromFlat,
  flatClientFields,
  flatGroupFields,
  groupFields,
  groupFieldsFromFlat,
} from './fields.js';
import { clientMutation, groupMutation } from './mutations.js';
import type { ClientMutation, GroupMutation, Mutation, SyncCursor, SyncIssue, SyncOp } from './records.js';
import type { SyncStore, SyncedStore } from './sync-store.js';

/** What one durable write of the sync holds: records and the sync's own state. */
type Op = DirectoryOp | SyncOp;

/**
 * The sync of cloud-sync.md. One cycle at a time: push the outbox (oldest first, ≤ 100 per
 * request, one mutation per record per request so each is sent on the version the previous one
 * got), then pull pages until `hasMore` is false. Every answer is applied in one durable write
 * with what it changes in the outbox or the cursor, so a crash anywhere loses nothing and a
 * resend is harmless (the cloud dedupes by mutationId, pulls are applied by version).
 *
 * Failures never touch the local copy: a network error, a timeout or a 5xx waits with backoff;
 * 401/403 stops syncing until the config changes (a restart), with the reason in the status.
 */

export const SYNC_STATES = ['idle', 'syncing', 'offline', 'error'] as const;
export type SyncState = (typeof SYNC_STATES)[number];

export interface SyncStatus {
  state: SyncState;
  /** Local edits waiting for the cloud. */
  pending: number;
  lastSyncAt: string | null;
  // ---- beyond the contract's event ----
  enabled: boolean;
  url: string | null;
  /** Why the state is offline or error (English; `problem` for a translated text). */
  reason: string | null;
  problem: CloudProblemCode | null;
  /** Sync stopped until the config changes (the cloud refused the token). */
  stopped: boolean;
  /** A full pull under way: records received so far, and the total when the cloud says. */
  progress: { received: number; estimated: number | null } | null;
  nextAttemptAt: string | null;
  /** Conflicts and refused edits staff have not dismissed. */
  issues: number;
}

export interface SyncOptions {
  url: string;
  token: string;
  intervalSeconds: number;
  agentId: string;
  /** The config file in use, for the messages that ask to fix it. */
  configFile?: string | null;
  /** Per request (contract: 10 s). */
  timeoutMs?: number;
  backoffMinMs?: number;
  backoffMaxMs?: number;
  pageLimit?: number;
  /** After a local edit, how soon to push it (edits in a burst share one push). */
  nudgeMs?: number;
  /**
   * While the cloud is unreachable (connection refused, no route, no DNS), how often to try a
   * bare TCP connection to it: when one succeeds, the backoff's next try is brought forward, so
   * edits made offline go up within seconds of the internet's return, not minutes. No request is
   * sent by the probe; a cloud that accepts connections but fails requests stays on the backoff.
   */
  probeMs?: number;
  fetch?: typeof fetch;
  /** Called when a full pull starts; what it returns, when it ends (however it ends). */
  bulk?: () => () => void;
  random?: () => number;
  now?: () => Date;
}

const BATCH_MAX = 100;

/** The sync's status, or that of an agent without a cloud. */
export function syncStatusOf(sync: Sync | null): SyncStatus {
  return sync?.status() ?? standaloneStatus();
}

/** The status of an agent without a cloud: nothing to sync, nothing pending. */
function standaloneStatus(): SyncStatus {
  return {
    state: 'idle',
    pending: 0,
    lastSyncAt: null,
    enabled: false,
    url: null,
    reason: null,
    problem: null,
    stopped: false,
    progress: null,
    nextAttemptAt: null,
    issues: 0,
  };
}

export class Sync {
  private readonly cloud: CloudClient;
  private readonly stopper = new AbortController();
  private state: SyncState = 'idle';
  private reason: string | null = null;
  private problem: CloudProblemCode | null = null;
  private stopped = false;
  private lastSyncAt: string | null = null;
  private progress: SyncStatus['progress'] = null;
  private failures = 0;
  private timer: NodeJS.Timeout | null = null;
  private nextAt: number | null = null;
  private running: Promise<void> | null = null;
  private again = false;
  private started = false;
  private emitQueued = false;
  private probeTimer: NodeJS.Timeout | null = null;
  /** The running cycle was started by the probe: if it fails, the probe waits for the backoff. */
  private probed = false;
  private unsubscribe: (() => void) | null = null;
  private readonly random: () => number;
  private readonly now: () => Date;

  constructor(
    private readonly store: SyncedStore,
    private readonly saved: SyncStore,
    private readonly bus: EventBus,
    private readonly log: Logger,
    private readonly options: SyncOptions,
  ) {
    this.cloud = new CloudClient({
      url: options.url,
      token: options.token,
      agentId: options.agentId,
      timeoutMs: options.timeoutMs ?? 10_000,
      configFile: options.configFile,
      fetch: options.fetch,
    });
    this.random = options.random ?? Math.random;
    this.now = options.now ?? (() => new Date());
  }

  start(): void {
    if (this.started) return;
    this.started = true;
    if (this.saved.cursor.url === this.options.url) this.lastSyncAt = this.saved.cursor.lastSyncAt;
    let pending = this.saved.outbox.size;
    this.unsubscribe = this.saved.onChange(() => {
      const size = this.saved.outbox.size;
      if (size > pending) this.nudge();
      pending = size;
      this.emitSoon();
    });
    this.schedule(0);
  }

  async stop(): Promise<void> {
    this.started = false;
    this.unsubscribe?.();
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.stopProbe();
    this.stopper.abort();
    await this.running?.catch(() => undefined);
    // One write at shutdown rather than one per idle cycle: the last sync's time survives.
    const state = this.saved.cursor;
    if (state.url === this.options.url && state.lastSyncAt !== this.lastSyncAt) {
      await this.store.commit([{ op: 'sync.cursor', state: { ...state, lastSyncAt: this.lastSyncAt } }]).catch(() => undefined);
    }
  }

  status(): SyncStatus {
    return {
      state: this.state,
      pending: this.saved.outbox.size,
      lastSyncAt: this.lastSyncAt,
      enabled: true,
      url: this.options.url,
      reason: this.reason,
      problem: this.problem,
      stopped: this.stopped,
      progress: this.progress,
      nextAttemptAt: this.nextAt === null ? null : new Date(this.nextAt).toISOString(),
      issues: this.saved.issues.size,
    };
  }

  /**
   * Runs a cycle now (staff pressed "sync now"), also after a refused token: one try, not a loop.
   * Resolves when a cycle that started after the call has ended.
   */
  syncNow(): Promise<void> {
    if (!this.started) return Promise.resolve();
    this.failures = 0;
    this.stopped = false;
    if (this.running) return this.running.then(() => this.syncNow());
    return this.runCycle();
  }

  /** A local edit was queued: push it soon, unless the cloud is unreachable (then backoff rules). */
  private nudge(): void {
    if (!this.started || this.stopped || this.failures > 0) return;
    const delay = this.options.nudgeMs ?? 300;
    if (this.running) {
      this.again = true;
      return;
    }
    if (this.nextAt === null || this.nextAt - Date.now() > delay) this.schedule(delay);
  }

  private schedule(ms: number): void {
    if (!this.started) return;
    if (this.timer) clearTimeout(this.timer);
    this.nextAt = Date.now() + ms;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.nextAt = null;
      void this.runCycle();
    }, ms);
    this.timer.unref();
  }

  private runCycle(): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.nextAt = null;
    this.running = this.cycle().finally(() => {
      this.running = null;
      if (!this.started) return;
      if (this.again && !this.stopped && this.failures === 0) {
        this.again = false;
        this.schedule(0);
      } else {
        this.again = false;
        this.emitSoon();
      }
    });
    return this.running;
  }

  private async cycle(): Promise<void> {
    this.setState('syncing');
    try {
      await this.adopt();
      await this.push();
      await this.pull();
      this.failures = 0;
      this.stopProbe();
      this.reason = null;
      this.problem = null;
      this.lastSyncAt = this.now().toISOString();
      this.setState('idle');
      this.schedule(this.options.intervalSeconds * 1000);
    } catch (err) {
      this.progress = null;
      if (!this.started) return;
      const e = err instanceof CloudError ? err : new CloudError('local', err instanceof Error ? err.message : String(err));
      this.reason = e.message;
      this.problem = e.code;
      if (e.code === 'auth') {
        this.stopped = true;
        this.stopProbe();
        this.log.error(`cloud sync: ${e.message}`);
        this.setState('error');
        return;
      }
      this.failures++;
      const delay = this.backoff(this.failures);
      this.log.warn(`cloud sync: ${e.message} (next try in ${Math.round(delay / 1000)} s)`);
      this.schedule(delay);
      if (e.code === 'network' && !this.probed) this.startProbe();
      this.setState(e.code === 'network' || e.code === 'timeout' ? 'offline' : 'error');
    } finally {
      this.probed = false;
    }
  }

  private startProbe(): void {
    if (this.probeTimer || !this.started) return;
    const url = new URL(this.options.url);
    const port = Number(url.port) || (url.protocol === 'https:' ? 443 : 80);
    const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
    this.probeTimer = setInterval(() => {
      const socket = net.connect({ host, port });
      socket.setTimeout(3_000);
      const done = (reachable: boolean) => {
        socket.destroy();
        if (!reachable || !this.probeTimer || this.running) return;
        this.stopProbe();
        this.log.info('cloud sync: the cloud can be reached again; trying now');
        this.probed = true;
        this.schedule(0);
      };
      socket.once('connect', () => done(true));
      socket.once('timeout', () => done(false));
      socket.once('error', () => done(false));
    }, this.options.probeMs ?? 5_000);
    this.probeTimer.unref();
  }

  private stopProbe(): void {
    if (this.probeTimer) clearInterval(this.probeTimer);
    this.probeTimer = null;
  }

  /** 1 s, 2 s, 4 s… up to 5 min, each plus up to 50 % jitter (capped), so shops don't retry in step. */
  private backoff(failures: number): number {
    const min = this.options.backoffMinMs ?? 1_000;
    const max = this.options.backoffMaxMs ?? 300_000;
    const d = Math.min(max, min * 2 ** Math.min(failures - 1, 30));
    return Math.min(max, d * (1 + 0.5 * this.random()));
  }

  // ---- adopt: records made before the cloud was configured --------------------------------

  /**
   * A shop that ran standalone has records the cloud never saw: on the first sync they are queued
   * as creates (groups first, their clients need them), so nothing made in the shop stays behind.
   */
  private async adopt(): Promise<void> {
    let cursor = this.saved.cursor;
    if (cursor.url !== this.options.url) {
      // Another cloud, or this one again after running standalone: what this copy holds may be
      // unknown to it, and its cursor means nothing there. Send everything, pull everything.
      if (cursor.cursor !== null || cursor.adopted) {
        this.log.warn(
          `cloud sync: this directory was last synced with ${cursor.url ?? 'a cloud, then ran standalone'}; ` +
            `its records are offered to ${this.options.url} and the directory is pulled again`,
        );
      }
      cursor = { cursor: null, full: null, adopted: false, url: this.options.url, lastSyncAt: null };
    }
    if (cursor.adopted) return;
    const at = this.now().toISOString();
    const ops: Op[] = [];
    for (const g of this.store.groups.values()) {
      const mutation = this.saved.outbox.hasPending('group', g.id) ? null : groupMutation(undefined, g, null, at, true);
      if (mutation) ops.push({ op: 'outbox.put', mutation });
    }
    for (const c of this.store.clients.values()) {
      const mutation = this.saved.outbox.hasPending('client', c.id) ? null : clientMutation(undefined, c, null, at, true);
      if (mutation) ops.push({ op: 'outbox.put', mutation });
    }
    if (ops.length) this.log.info(`cloud sync: ${ops.length} records made before the cloud was configured are queued for it`);
    ops.push({ op: 'sync.cursor', state: { ...cursor, adopted: true } });
    await this.store.commit(ops);
  }

  // ---- push ------------------------------------------------------------------------------

  private async push(): Promise<void> {
    // Conflicts are sent again once re-based; a cloud that keeps changing the same records must
    // not keep this loop going: what is left waits for the next cycle.
    let rounds = Math.ceil(this.saved.outbox.size / BATCH_MAX) + 5;
    while (this.saved.outbox.size > 0 && rounds-- > 0) {
      const batch = this.nextBatch();
      if (batch.length === 0) {
        // the oldest edit's write is still on its way to disk: wait for it, never send nothing
        await this.store.settled();
        continue;
      }
      const results = await this.cloud.push(batch, this.stopper.signal);
      const ops: Op[] = [];
      for (let i = 0; i < batch.length; i++) ops.push(...this.resultOps(batch[i]!, results[i]!));
      await this.store.commit(ops);
    }
    // Left for lack of rounds (many edits of one record, or conflicts): go on right after this cycle.
    if (this.saved.outbox.size > 0) this.again = true;
  }

  /** The oldest mutations, up to 100, stopping before a second one for the same record (and see below). */
  private nextBatch(): Mutation[] {
    const batch: Mutation[] = [];
    const records = new Set<string>();
    for (const m of this.saved.outbox.values()) {
      const key = `${m.entity}:${m.id}`;
      if (batch.length === BATCH_MAX || records.has(key)) break;
      // Not on disk yet: if its write fails it is undone, and the cloud must not have it.
      if (!this.saved.outbox.isDurable(m.key)) break;
      // A group deletion goes after the moves of its clients are settled (one may conflict).
      if (m.entity === 'group' && m.op === 'delete' && batch.length > 0) break;
      records.add(key);
      batch.push(m);
    }
    return batch;
  }

  private resultOps(m: Mutation, r: MutationResult): Op[] {
    switch (r.status) {
      case 'applied':
        return this.appliedOps(m, r.version, r.data);
      case 'conflict':
        return this.conflictOps(m, r.current);
      case 'rejected':
        return this.rejectedOps(m, r.code, r.message);
    }
  }

  /** The mutations of the same record queued after `m`. */
  private laterOf(m: Mutation): Mutation[] {
    return this.saved.outbox.pendingFor(m.entity, m.id).filter((x) => x.key !== m.key);
  }

  private appliedOps(m: Mutation, version: number, data: unknown): Op[] {
    const ops: Op[] = [{ op: 'outbox.del', key: m.key }];
    if (m.op === 'delete') return ops;
    let record: Client | Group;
    try {
      record = this.parseRecord(m, data, `the record the cloud returned for mutation ${m.mutationId}`);
    } catch (err) {
      // The cloud applied it (and would answer the same to a resend): keeping it would block the
      // outbox for good. It leaves the outbox, the copy here stays as the shop made it until the
      // next pull brings the cloud's record, and staff see why.
      const local = this.store.record(m.entity, m.id);
      const message = err instanceof Error ? err.message : String(err);
      this.log.warn(`cloud sync: ${message}`);
      ops.push(this.issueOp({ kind: 'rejected', m, label: labelOf(local ?? m.base), code: 'invalid-answer', message }));
      return ops;
    }
    const later = this.laterOf(m);
    // Later edits of the record were made on the shop's copy: they now stand on this version.
    for (const l of later) ops.push({ op: 'outbox.put', mutation: rebase(l, record) });
    ops.push(...this.localOps(record, later));
    return ops;
  }

  /**
   * Someone changed (or deleted) the record in the cloud since the edit's base. The edit and the
   * later ones of the same record (never sent: one per record per request) are each re-applied
   * on the cloud's record, in their places in the outbox (an edit of a client may depend on a
   * group created between them): fields the cloud did not change are sent again, under a new
   * mutationId (the old one would get its first answer again); a field both sides changed keeps
   * the cloud's value, and the shop's is kept as an issue for staff.
   */
  private conflictOps(m: Mutation, rawCurrent: unknown): Op[] {
    const current = rawCurrent === null ? null : this.parseRecord(m, rawCurrent, `the current record the cloud returned for mutation ${m.mutationId}`);
    const chain = [m, ...this.laterOf(m)];
    const ops: Op[] = [];
    const deleted = chain.find((x) => x.op === 'delete');
    const local = this.store.record(m.entity, m.id);
    const label = labelOf(local ?? current ?? m.base);

    if (current === null || deleted) {
      for (const x of chain) ops.push({ op: 'outbox.del', key: x.key });
      if (current === null) {
        if (deleted) return ops; // deleted on both sides: nothing more to do
        // The shop edited what the cloud deleted: the cloud wins, the shop's record is kept for staff.
        ops.push(this.recordDel(m.entity, m.id));
        ops.push(this.issueOp({ kind: 'deleted-in-cloud', m, label, record: local ?? null }));
        return ops;
      }
      // The shop deleted what the cloud changed meanwhile: keep the cloud's record, let staff decide.
      ops.push(...this.localOps(current, []));
      ops.push(this.issueOp({ kind: 'changed-in-cloud', m: deleted ?? m, label }));
      return ops;
    }

    const now = flatRecord(current);
    const base = m.base === null ? null : flatRecord(m.base);
    const conflicts = new Map<string, SyncIssue['fields'][number]>();
    const resent: Mutation[] = [];
    for (const x of chain) {
      const keep = new Map<string, FieldValue>();
      for (const [path, value] of flatData(x)) {
        const cloud = now.get(path) ?? null;
        if (cloud === value) continue;
        const cloudChanged = base === null || (base.get(path) ?? null) !== cloud;
        if (cloudChanged) conflicts.set(path, { path, shop: value, cloud });
        else keep.set(path, value);
      }
      const again = keep.size > 0 ? rebuilt(x, current, keep) : null;
      if (again) resent.push(again);
      ops.push(again ? { op: 'outbox.put', mutation: again } : { op: 'outbox.del', key: x.key });
    }
    ops.push(...this.localOps(current, resent));
    const fields = [...conflicts.values()];
    if (fields.length) ops.push(this.issueOp({ kind: 'conflict', m, label, fields }));
    this.log.warn(
      `cloud sync: ${m.entity} ${m.id} was changed in the cloud meanwhile; ` +
        (resent.length ? `the shop's other changes are sent again on version ${current.version}` : 'nothing else to send') +
        (fields.length ? `; kept the cloud's value of ${fields.map((f) => f.path).join(', ')} (shown under conflicts)` : ''),
    );
    return ops;
  }

  /** The cloud refused the edit: it leaves the outbox, the record goes back to the cloud's state. */
  private rejectedOps(m: Mutation, code: string, message: string): Op[] {
    const later = this.laterOf(m);
    const local = this.store.record(m.entity, m.id);
    const label = labelOf(local ?? m.base);
    const ops: Op[] = [{ op: 'outbox.del', key: m.key }];
    const fields: SyncIssue['fields'] = [];
    const base = m.base === null ? null : flatRecord(m.base);
    for (const [path, value] of flatData(m)) fields.push({ path, shop: value, cloud: base?.get(path) ?? null });
    if (m.base === null) {
      // A refused create: the record does not exist in the cloud, nor do its later edits. One
      // made before the cloud was configured stays here (the shop's own data), flagged.
      for (const l of later) ops.push({ op: 'outbox.del', key: l.key });
      if (!m.adopted) ops.push(this.recordDel(m.entity, m.id));
    } else {
      ops.push(...this.localOps(m.base, later));
    }
    ops.push(this.issueOp({ kind: 'rejected', m, label, fields, code, message, record: m.base === null ? (local ?? null) : null }));
    this.log.warn(`cloud sync: the cloud refused the ${m.op} of ${m.entity} "${label}" (${code}: ${message}); the record is back to the cloud's state`);
    return ops;
  }

  /** The local copy of a record: the cloud's, with the shop's pending edits on top. */
  private localOps(record: Client | Group, pending: readonly Mutation[]): Op[] {
    if (pending.some((p) => p.op === 'delete')) return [];
    if (isClient(record)) {
      let c = record;
      for (const p of pending) if (p.entity === 'client' && p.data) c = applyClientFields(c, p.data);
      return [{ op: 'client.put', record: c }];
    }
    let g = record;
    for (const p of pending) if (p.entity === 'group' && p.data) g = applyGroupFields(g, p.data);
    return [{ op: 'group.put', record: g }];
  }

  private recordDel(entity: 'client' | 'group', id: string): Op {
    return entity === 'client' ? { op: 'client.del', id } : { op: 'group.del', id };
  }

  private issueOp(i: {
    kind: SyncIssue['kind'];
    m: Mutation;
    label: string;
    fields?: SyncIssue['fields'];
    record?: Client | Group | null;
    code?: string;
    message?: string;
  }): Op {
    return {
      op: 'issue.put',
      issue: {
        id: randomUUID(),
        kind: i.kind,
        entity: i.m.entity,
        recordId: i.m.id,
        label: i.label,
        op: i.m.op,
        at: this.now().toISOString(),
        fields: i.fields ?? [],
        record: i.record ?? null,
        code: i.code ?? null,
        message: i.message ?? null,
      },
    };
  }

  // ---- pull ------------------------------------------------------------------------------

  private async pull(): Promise<void> {
    let state = this.saved.cursor;
    // A replacing pull cut short by a crash starts over (the records it had seen are not kept);
    // a first pull into an empty copy resumes from its stored cursor.
    if (state.full?.sweep && state.cursor !== null) state = await this.saveCursor({ ...state, cursor: null });
    if (state.cursor === null && !state.full) state = await this.saveCursor({ ...state, full: { sweep: false } });
    let full = state.full ? this.startFull(state.full.sweep) : null;
    let endBulk = full ? this.options.bulk?.() : undefined;
    try {
      for (;;) {
        let page: ChangePage;
        try {
          page = await this.cloud.changes(state.cursor, this.options.pageLimit ?? 1000, this.stopper.signal);
        } catch (err) {
          if (!(err instanceof CloudError) || err.code !== 'gone' || state.cursor === null) throw err;
          // 410: the cursor is too old. Pull everything again and replace the copy, keeping the
          // shop's pending edits (a record with one is never overwritten by a pull).
          this.log.warn("cloud sync: the cloud no longer knows this agent's cursor (410); pulling the whole directory again");
          const sweep = this.store.clients.size + this.store.groups.size > 0;
          state = await this.saveCursor({ ...state, cursor: null, full: { sweep } });
          full = this.startFull(sweep);
          endBulk ??= this.options.bulk?.();
          continue;
        }
        if (page.hasMore && page.changes.length === 0 && page.cursor === state.cursor) {
          throw new CloudError('invalid', 'the cloud says more changes follow but sent none and the same cursor; stopping this cycle. Tell the cloud server\'s provider.');
        }
        state = await this.applyPage(page, state, full);
        if (!page.hasMore) break;
      }
      if (full) {
        await this.endFull(full, state);
        this.progress = null;
      }
    } finally {
      endBulk?.();
    }
  }

  private startFull(sweep: boolean): FullPull {
    this.progress = { received: 0, estimated: null };
    this.emitSoon();
    return { sweep, seen: sweep ? new Set() : null };
  }

  private async saveCursor(state: SyncCursor): Promise<SyncCursor> {
    await this.store.commit([{ op: 'sync.cursor', state }]);
    return state;
  }

  /** Applies a page and its cursor in one durable write; an idle page writes nothing. */
  private async applyPage(page: ChangePage, state: SyncCursor, full: FullPull | null): Promise<SyncCursor> {
    const ops: Op[] = [];
    let invalid = 0;
    for (const change of page.changes) {
      full?.seen?.add(`${change.entity}:${change.id}`);
      const op = this.changeOp(change, full?.seen != null);
      if (op === 'invalid') invalid++;
      else if (op) ops.push(op);
    }
    if (invalid) {
      this.log.warn(`cloud sync: ${invalid} record(s) from the cloud are not valid records and were skipped (see the cloud's data)`);
    }
    if (full && this.progress) {
      const received = this.progress.received + page.changes.length;
      this.progress = { received, estimated: page.remaining !== undefined ? received + page.remaining : null };
      this.emitSoon();
    }
    if (ops.length === 0 && page.cursor === state.cursor) return state;
    const next = { ...state, cursor: page.cursor, lastSyncAt: this.lastSyncAt };
    ops.push({ op: 'sync.cursor', state: next });
    await this.store.commit(ops);
    return next;
  }

  /**
   * The op a pulled change makes here: none when a pending edit holds the record or it is not
   * newer. A replacing pull (after 410) takes the cloud's record whenever the version differs: a
   * record deleted and made again, or a cloud restored from a backup, may go back in version.
   */
  private changeOp(change: Change, replacing: boolean): Op | null | 'invalid' {
    if (this.saved.outbox.hasPending(change.entity, change.id)) return null;
    const local = this.store.record(change.entity, change.id);
    if (change.op === 'delete') return local ? this.recordDel(change.entity, change.id) : null;
    if (local && (replacing ? local.version === change.version : local.version >= change.version)) return null;
    const parsed = parseCloudRecord(change.entity, change.data);
    if (!parsed.success || parsed.data.id !== change.id) return 'invalid';
    const record = parsed.data;
    return isClient(record) ? { op: 'client.put', record } : { op: 'group.put', record };
  }

  /** After a replacing pull: what the cloud did not bring is gone from it (pending edits stay). */
  private async endFull(full: FullPull, state: SyncCursor): Promise<void> {
    const ops: Op[] = [];
    if (full.seen) {
      for (const id of this.store.clients.keys()) {
        if (!full.seen.has(`client:${id}`) && !this.saved.outbox.hasPending('client', id)) ops.push({ op: 'client.del', id });
      }
      for (const id of this.store.groups.keys()) {
        if (!full.seen.has(`group:${id}`) && !this.saved.outbox.hasPending('group', id)) ops.push({ op: 'group.del', id });
      }
      if (ops.length) this.log.info(`cloud sync: ${ops.length} record(s) the cloud no longer has were removed`);
    }
    ops.push({ op: 'sync.cursor', state: { ...state, full: null } });
    await this.store.commit(ops);
  }

  /** A record the cloud returned for `m`: valid, and the same record (a foreign id must not overwrite another). */
  private parseRecord(m: Mutation, data: unknown, what: string): Client | Group {
    const parsed = parseCloudRecord(m.entity, data);
    if (!parsed.success || parsed.data.id !== m.id) {
      const first = parsed.success ? { path: ['id'], message: `is "${parsed.data.id}", expected "${m.id}"` } : parsed.error.issues[0];
      throw new CloudError(
        'invalid',
        `${what} is not a valid ${m.entity} ${m.id} (${first ? `${first.path.join('.')}: ${first.message}` : 'bad shape'}); nothing was changed here. Tell the cloud server's provider.`,
      );
    }
    return parsed.data;
  }

  // ---- status ----------------------------------------------------------------------------

  private setState(state: SyncState): void {
    this.state = state;
    this.emitSoon();
  }

  /** One `sync` event per turn of the event loop, however many outbox entries a write changed. */
  private emitSoon(): void {
    if (this.emitQueued) return;
    this.emitQueued = true;
    setImmediate(() => {
      this.emitQueued = false;
      this.bus.emit('sync', this.status());
    });
  }
}

/** A record from the cloud, checked as a client or a group. */
function parseCloudRecord(entity: 'client' | 'group', data: unknown) {
  return entity === 'client' ? clientRecordSchema.safeParse(data) : groupRecordSchema.safeParse(data);
}

interface FullPull {
  sweep: boolean;
  /** `entity:id` of every record the pull brought (only when it replaces a copy). */
  seen: Set<string> | null;
}

function labelOf(r: Client | Group | null | undefined): string {
  if (!r) return '';
  return isClient(r) ? displayName(r) : r.name;
}

/** The edit re-made on the cloud's record with only `keep`, under a new mutationId, in its place. */
function rebuilt(x: Mutation, current: Client | Group, keep: ReadonlyMap<string, FieldValue>): Mutation | null {
  const common = { op: 'update' as const, mutationId: randomUUID(), baseVersion: current.version };
  if (x.entity === 'client' && isClient(current)) return { ...x, ...common, base: current, data: clientFieldsFromFlat(keep) };
  if (x.entity === 'group' && !isClient(current)) return { ...x, ...common, base: current, data: groupFieldsFromFlat(keep) };
  return null;
}

function rebase(m: Mutation, record: Client | Group): Mutation {
  if (m.entity === 'client' && isClient(record)) return { ...m, baseVersion: record.version, base: record };
  if (m.entity === 'group' && !isClient(record)) return { ...m, baseVersion: record.version, base: record };
  return m;
}

function flatData(m: ClientMutation | GroupMutation): Map<string, FieldValue> {
  if (!m.data) return new Map();
  return m.entity === 'client' ? flatClientFields(m.data) : flatGroupFields(m.data);
}

function flatRecord(r: Client | Group): Map<string, FieldValue> {
  return isClient(r) ? flatClientFields(clientFields(r)) : flatGroupFields(groupFields(r));
}
