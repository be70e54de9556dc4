import type { Logger } from '../log.js';
import type { SyncStore, SyncedStore } from './sync-store.js';

/**
 * Cloud sync is off, but this directory was synced with a cloud: edits made now go to no outbox,
 * so the cursor forgets that cloud, and when one is configured again the whole directory is
 * offered to it (adoption), so none of them stays behind.
 */
export async function forgetCloud(store: SyncedStore, state: SyncStore, log: Logger): Promise<void> {
  const cursor = state.cursor;
  if (cursor.url === null) return;
  log.warn(`cloud sync is off, but this directory was synced with ${cursor.url}: edits made now are sent when a cloud is configured again`);
  await store.commit([{ op: 'sync.cursor', state: { ...cursor, url: null, adopted: false, cursor: null, full: null } }]);
}
