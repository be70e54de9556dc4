import type { DirectoryStore } from '../directory/directory-store.js';
import type { Logger } from '../log.js';

/**
 * A store that was synced, opened with no cloud configured: the cursor forgets the cloud, so that
 * when one is configured again the whole directory is offered to it (adoption) and no edit made
 * meanwhile stays behind — edits made now go to no outbox.
 */
export async function forgetCloud(store: DirectoryStore, log: Logger): Promise<void> {
  if (store.syncCursor.url === null) return;
  log.warn(`cloud sync is off, but this directory was synced with ${store.syncCursor.url}: edits made now are sent when a cloud is configured again`);
  await store.commit([{ op: 'sync.cursor', state: { ...store.syncCursor, url: null, adopted: false, cursor: null, full: null } }]);
}
