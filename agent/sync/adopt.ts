import type { Logger } from '../log.js';
import type { CycleContext } from './context.js';
import { ENTITY_ORDER, type Entity, type EntityRow } from './entities.js';
import type { SyncStore, SyncedOp, SyncedStore } from './sync-store.js';

/**
 * Records made before the cloud was configured: a shop that ran standalone has records the cloud
 * never saw. On the first sync they are queued as creates (groups first, their clients need
 * them), so nothing made in the shop stays behind.
 */
export async function adopt({ store, saved, log, url, now }: CycleContext): Promise<void> {
  let cursor = saved.cursor;
  if (cursor.url !== url) {
    // Another cloud, or this one again after running standalone: what this copy holds may be
    // unknown to it, and its cursor means nothing there. Send everything, pull everything.
    if (cursor.cursor !== null || cursor.adopted) {
      log.warn('cloud sync: this directory was last synced with another cloud; its records are offered to this one and the directory is pulled again', {
        before: cursor.url ?? 'a cloud, then ran standalone',
        cloud: url,
      });
    }
    cursor = { cursor: null, full: null, adopted: false, url, lastSyncAt: null };
  }
  if (cursor.adopted) return;
  const at = now().toISOString();
  const ops: SyncedOp[] = [];
  for (const row of ENTITY_ORDER) ops.push(...adoptions(row, store, saved, at));
  if (ops.length) log.info('cloud sync: records made before the cloud was configured are queued for it', { records: ops.length });
  ops.push({ op: 'sync.cursor', state: { ...cursor, adopted: true } });
  await store.commit(ops);
}

/** A create for each record of the entity that no pending edit already carries to the cloud. */
function adoptions<E extends Entity>(row: EntityRow<E>, store: SyncedStore, saved: SyncStore, at: string): SyncedOp[] {
  const ops: SyncedOp[] = [];
  for (const r of row.records(store).values()) {
    const mutation = saved.outbox.hasPending(row.entity, r.id) ? null : row.mutation(undefined, r, null, at, true);
    if (mutation) ops.push({ op: 'outbox.put', mutation });
  }
  return ops;
}

/**
 * Cloud sync is off, but this directory was synced with a cloud: edits made now go to no outbox,
 * so the cursor forgets that cloud, and when one is configured again the whole directory is
 * offered to it (adopt), so none of them stays behind.
 */
export async function forgetCloud(store: SyncedStore, saved: SyncStore, log: Logger): Promise<void> {
  const cursor = saved.cursor;
  if (cursor.url === null) return;
  log.warn('cloud sync is off, but this directory was synced with a cloud: edits made now are sent when a cloud is configured again', { cloud: cursor.url });
  await store.commit([{ op: 'sync.cursor', state: { ...cursor, url: null, adopted: false, cursor: null, full: null } }]);
}
