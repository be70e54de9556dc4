import { randomBytes } from 'node:crypto';

/**
 * Things the staff page keeps a short while between two requests, each named by a random token:
 * a deleted record its "Annuler" can bring back (web/undo-shelf.ts), a CSV file between its check
 * and the "Importer" that applies it (so the browser never sends it twice). In memory only, on
 * purpose: a restart forgets them (the undo is no longer offered; staff choose the file again).
 * The oldest go first past `max` (a few 20 MB files at most).
 */
export class TokenShelf<T> {
  private readonly items = new Map<string, { value: T; until: number }>();

  constructor(
    private readonly keptMs: number,
    private readonly max = Infinity,
    private readonly now: () => number = Date.now,
  ) {}

  keep(value: T): string {
    this.sweep();
    while (this.items.size >= this.max) this.items.delete(this.items.keys().next().value!);
    const token = randomBytes(16).toString('base64url');
    this.items.set(token, { value, until: this.now() + this.keptMs });
    return token;
  }

  /** The value, or null when unknown or too old. */
  get(token: string): T | null {
    this.sweep();
    return this.items.get(token)?.value ?? null;
  }

  /** The value, once; null when unknown or too old. */
  take(token: string): T | null {
    const value = this.get(token);
    this.items.delete(token);
    return value;
  }

  /** Replaces a value still kept (and keeps it longer); false when it is gone. */
  set(token: string, value: T): boolean {
    this.sweep();
    if (!this.items.has(token)) return false;
    this.items.set(token, { value, until: this.now() + this.keptMs });
    return true;
  }

  private sweep(): void {
    const now = this.now();
    for (const [token, item] of this.items) if (item.until <= now) this.items.delete(token);
  }
}
