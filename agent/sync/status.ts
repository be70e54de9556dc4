/** The sync's status, as the `sync` event, the API and the staff pages show it. */

/** What went wrong with the cloud. `local`: not the cloud's fault, this PC could not save what the cloud sent (disk full…). */
export const CLOUD_PROBLEM_CODES = ['network', 'timeout', 'server', 'auth', 'http', 'invalid', 'gone', 'local'] as const;
export type CloudProblemCode = (typeof CLOUD_PROBLEM_CODES)[number];

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

/** The sync's status, or that of an agent without a cloud. */
export function syncStatusOf(sync: { status(): SyncStatus } | null): SyncStatus {
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
