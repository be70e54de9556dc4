import { randomBytes } from 'node:crypto';

/** What staff see: "Annuler" stays 10 s. */
export const UNDO_SHOWN_MS = 10_000;
/** The agent keeps the record a little longer: a click at 9.9 s must not meet a request that arrives late. */
const UNDO_KEPT_MS = UNDO_SHOWN_MS + 5_000;

/**
 * Deleted records kept for a few seconds so staff can undo: in memory only, on purpose. The delete
 * itself is durable at once (and pushed to the cloud); an agent that restarts within the 10 s just
 * no longer offers the undo. Each entry is named by a random token, taken once.
 */
export class UndoShelf<T> {
  private readonly items = new Map<string, { value: T; until: number }>();

  constructor(private readonly now: () => number = Date.now) {}

  keep(value: T): string {
    this.sweep();
    const token = randomBytes(16).toString('base64url');
    this.items.set(token, { value, until: this.now() + UNDO_KEPT_MS });
    return token;
  }

  /** The value, once; null when unknown or too late. */
  take(token: string): T | null {
    this.sweep();
    const item = this.items.get(token);
    this.items.delete(token);
    return item ? item.value : null;
  }

  private sweep(): void {
    const now = this.now();
    for (const [token, item] of this.items) if (item.until <= now) this.items.delete(token);
  }
}
