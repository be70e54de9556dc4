import { TokenShelf } from './token-shelf.js';

/** What staff see: "Annuler" stays 10 s. */
export const UNDO_SHOWN_MS = 10_000;
/** The agent keeps the record a little longer: a click at 9.9 s must not meet a request that arrives late. */
const UNDO_KEPT_MS = UNDO_SHOWN_MS + 5_000;

/**
 * Deleted records kept for a few seconds so staff can undo: in memory only, on purpose. The delete
 * itself is durable at once (and pushed to the cloud); an agent that restarts within the 10 s just
 * no longer offers the undo. Each entry is named by a random token, taken once (`take`).
 */
export class UndoShelf<T> extends TokenShelf<T> {
  constructor(now: () => number = Date.now) {
    super(UNDO_KEPT_MS, Infinity, now);
  }
}
