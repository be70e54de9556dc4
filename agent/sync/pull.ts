import { type Change, type ChangePage, CloudError } from './cloud-client.js';
import type { CycleContext } from './context.js';
import { ENTITIES, rowFor } from './entities.js';
import type { SyncCursor } from './records.js';
import type { SyncStatus } from './status.js';
import type { SyncedOp } from './sync-store.js';

/**
 * The pull: pages of changes until `hasMore` is false, each applied with its cursor in one durable
 * write (applied by version: a page pulled twice changes nothing). A record with a pending edit is
 * never overwritten by a pull: the push settles it first.
 */

export interface PullOptions {
  pageLimit: number;
  /** Called when a full pull starts; what it returns, when it ends (however it ends). */
  bulk?: () => () => void;
  /** A full pull's progress changed (null: it ended). */
  progress: (progress: SyncStatus['progress']) => void;
  /** The last successful sync, kept with the cursor so that staff see how old the copy is after a restart. */
  lastSyncAt: () => string | null;
}

interface FullPull {
  sweep: boolean;
  /** `entity:id` of every record the pull brought (only when it replaces a copy). */
  seen: Set<string> | null;
  received: number;
}

export async function pull(ctx: CycleContext, options: PullOptions): Promise<void> {
  const { store, saved, cloud, log, signal } = ctx;
  let state = saved.cursor;
  // A replacing pull cut short by a crash starts over (the records it had seen are not kept);
  // a first pull into an empty copy resumes from its stored cursor.
  if (state.full?.sweep && state.cursor !== null) state = await saveCursor(ctx, { ...state, cursor: null });
  if (state.cursor === null && !state.full) state = await saveCursor(ctx, { ...state, full: { sweep: false } });
  const startFull = (sweep: boolean): FullPull => {
    options.progress({ received: 0, estimated: null });
    return { sweep, seen: sweep ? new Set() : null, received: 0 };
  };
  let full = state.full ? startFull(state.full.sweep) : null;
  let endBulk = full ? options.bulk?.() : undefined;
  try {
    for (;;) {
      let page: ChangePage;
      try {
        page = await cloud.changes(state.cursor, options.pageLimit, signal);
      } catch (err) {
        if (!(err instanceof CloudError) || err.code !== 'gone' || state.cursor === null) throw err;
        // 410: the cursor is too old. Pull everything again and replace the copy, keeping the
        // shop's pending edits (a record with one is never overwritten by a pull).
        log.warn("cloud sync: the cloud no longer knows this agent's cursor (410); pulling the whole directory again");
        const sweep = store.clients.size + store.groups.size > 0;
        state = await saveCursor(ctx, { ...state, cursor: null, full: { sweep } });
        full = startFull(sweep);
        endBulk ??= options.bulk?.();
        continue;
      }
      if (page.hasMore && page.changes.length === 0 && page.cursor === state.cursor) {
        throw new CloudError('invalid', 'the cloud says more changes follow but sent none and the same cursor; stopping this cycle. Tell the cloud server\'s provider.');
      }
      state = await applyPage(ctx, options, page, state, full);
      if (!page.hasMore) break;
    }
    if (full) {
      await endFull(ctx, full, state);
      options.progress(null);
    }
  } finally {
    endBulk?.();
  }
}

async function saveCursor({ store }: CycleContext, state: SyncCursor): Promise<SyncCursor> {
  await store.commit([{ op: 'sync.cursor', state }]);
  return state;
}

/** Applies a page and its cursor in one durable write; an idle page writes nothing. */
async function applyPage(ctx: CycleContext, options: PullOptions, page: ChangePage, state: SyncCursor, full: FullPull | null): Promise<SyncCursor> {
  const ops: SyncedOp[] = [];
  let invalid = 0;
  for (const change of page.changes) {
    full?.seen?.add(`${change.entity}:${change.id}`);
    const op = changeOp(ctx, change, full?.seen != null);
    if (op === 'invalid') invalid++;
    else if (op) ops.push(op);
  }
  if (invalid) {
    ctx.log.warn("cloud sync: records from the cloud are not valid records and were skipped (see the cloud's data)", { records: invalid });
  }
  if (full) {
    full.received += page.changes.length;
    options.progress({ received: full.received, estimated: page.remaining !== undefined ? full.received + page.remaining : null });
  }
  if (ops.length === 0 && page.cursor === state.cursor) return state;
  const next = { ...state, cursor: page.cursor, lastSyncAt: options.lastSyncAt() };
  ops.push({ op: 'sync.cursor', state: next });
  await ctx.store.commit(ops);
  return next;
}

/**
 * The op a pulled change makes here: none when a pending edit holds the record or it is not
 * newer. A replacing pull (after 410) takes the cloud's record whenever the version differs: a
 * record deleted and made again, or a cloud restored from a backup, may go back in version.
 */
function changeOp({ store, saved }: CycleContext, change: Change, replacing: boolean): SyncedOp | null | 'invalid' {
  if (saved.outbox.hasPending(change.entity, change.id)) return null;
  const row = rowFor(change.entity);
  const local = row.records(store).get(change.id);
  if (change.op === 'delete') return local ? row.del(change.id) : null;
  if (local && (replacing ? local.version === change.version : local.version >= change.version)) return null;
  const parsed = row.parse(change.data);
  if (!parsed.success || parsed.data.id !== change.id) return 'invalid';
  return row.put(parsed.data);
}

/** After a replacing pull: what the cloud did not bring is gone from it (pending edits stay). */
async function endFull({ store, saved, log }: CycleContext, full: FullPull, state: SyncCursor): Promise<void> {
  const ops: SyncedOp[] = [];
  if (full.seen) {
    for (const row of [ENTITIES.client, ENTITIES.group]) {
      for (const id of row.records(store).keys()) {
        if (!full.seen.has(`${row.entity}:${id}`) && !saved.outbox.hasPending(row.entity, id)) ops.push(row.del(id));
      }
    }
    if (ops.length) log.info('cloud sync: records the cloud no longer has were removed', { records: ops.length });
  }
  ops.push({ op: 'sync.cursor', state: { ...state, full: null } });
  await store.commit(ops);
}
