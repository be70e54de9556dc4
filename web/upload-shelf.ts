import { randomBytes } from 'node:crypto';

/**
 * Files staff uploaded, kept a while between the check and the "Importer" that applies them, so
 * the browser never sends the file twice. In memory only, like the undo shelf (web/undo-shelf.ts):
 * a restart forgets them, and staff choose the file again. Each is named by a random token; the
 * oldest go first past `max` (a few 20 MB files at most).
 */
export class UploadShelf<T> {
  private readonly items = new Map<string, { value: T; until: number }>();

  constructor(
    private readonly keptMs: number,
    private readonly max: number,
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
