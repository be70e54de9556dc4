import type { Logger } from '../log.js';
import type { CloudClient } from './cloud-client.js';
import type { SyncStore, SyncedStore } from './sync-store.js';

/** What each step of a sync cycle (adopt, push, pull) works with. */
export interface CycleContext {
  store: SyncedStore;
  saved: SyncStore;
  cloud: CloudClient;
  log: Logger;
  /** The cloud's URL: the state kept for another cloud does not count. */
  url: string;
  now: () => Date;
  /** Aborted when the sync stops: a request in flight is dropped, its edits stay in the outbox. */
  signal: AbortSignal;
}
