import type { Mutation } from './records.js';

/**
 * The outbox: local edits waiting for the cloud, oldest first, with an index by record (etags
 * and pulls ask for a record's pending edits on every search result and every pulled change).
 * It changes only through the sync's ops in a directory store commit (see SyncStore), so that
 * an entry is on disk with the edit it carries, or neither is.
 */
export interface OutboxReader {
  readonly size: number;
  /** Oldest first. */
  values(): IterableIterator<Mutation>;
  /** The record's mutations still in the outbox, oldest first. */
  pendingFor(entity: 'client' | 'group', id: string): Mutation[];
  /** The record's oldest / newest mutation, without building the list (etags run per search result). */
  firstPending(entity: 'client' | 'group', id: string): Mutation | undefined;
  lastPending(entity: 'client' | 'group', id: string): Mutation | undefined;
  hasPending(entity: 'client' | 'group', id: string): boolean;
  /** Whether the entry's last write is on disk (the sync sends nothing that could be undone). */
  isDurable(key: string): boolean;
}

export class Outbox implements OutboxReader {
  /** A Map keeps insertion order; a put of an existing entry keeps its place. */
  private readonly entries = new Map<string, Mutation>();
  /** Outbox key → its place in the order entries were first queued (for an undo to restore order). */
  private readonly queueOrder = new Map<string, number>();
  private queueCounter = 0;
  /** `client:<id>` / `group:<id>` → its outbox keys, oldest first. */
  private readonly pendingByRecord = new Map<string, string[]>();
  /** Outbox keys whose write is not yet durable → how many such writes are in flight. */
  private readonly notDurable = new Map<string, number>();

  get size(): number {
    return this.entries.size;
  }

  values(): IterableIterator<Mutation> {
    return this.entries.values();
  }

  pendingFor(entity: 'client' | 'group', id: string): Mutation[] {
    const ids = this.pendingByRecord.get(`${entity}:${id}`);
    return ids ? ids.map((m) => this.entries.get(m)!) : [];
  }

  firstPending(entity: 'client' | 'group', id: string): Mutation | undefined {
    const ids = this.pendingByRecord.get(`${entity}:${id}`);
    return ids ? this.entries.get(ids[0]!) : undefined;
  }

  lastPending(entity: 'client' | 'group', id: string): Mutation | undefined {
    const ids = this.pendingByRecord.get(`${entity}:${id}`);
    return ids ? this.entries.get(ids[ids.length - 1]!) : undefined;
  }

  hasPending(entity: 'client' | 'group', id: string): boolean {
    return this.pendingByRecord.has(`${entity}:${id}`);
  }

  isDurable(key: string): boolean {
    return !this.notDurable.has(key);
  }

  /** The writes of these keys are on their way to disk; the function returned says they settled. */
  writing(keys: readonly string[]): () => void {
    for (const key of keys) this.notDurable.set(key, (this.notDurable.get(key) ?? 0) + 1);
    return () => {
      for (const key of keys) {
        const n = (this.notDurable.get(key) ?? 1) - 1;
        if (n > 0) this.notDurable.set(key, n);
        else this.notDurable.delete(key);
      }
    };
  }

  /**
   * Puts (or removes, with undefined) an entry and keeps the per-record index; returns the
   * undo. A put of an existing entry keeps its place (Map order); its entity and id never change.
   */
  set(key: string, m: Mutation | undefined): () => void {
    const before = this.entries.get(key);
    if (m) {
      this.entries.set(key, m);
      this.queuedAt(key);
      if (!before) this.listPending(m).push(key);
      return () => {
        if (before) {
          this.entries.set(key, before);
        } else {
          this.entries.delete(key);
          this.queueOrder.delete(key);
          this.unlistPending(m, key);
        }
      };
    }
    if (!before) return () => undefined;
    this.entries.delete(key);
    this.unlistPending(before, key);
    return () => {
      // Undo follows only a failed disk write: rare, so it may rebuild the order the slow way,
      // by each entry's place when it was first queued.
      const entries = [...this.entries.entries(), [key, before] as const];
      entries.sort((a, b) => this.queuedAt(a[0]) - this.queuedAt(b[0]));
      this.entries.clear();
      for (const [k, v] of entries) this.entries.set(k, v);
      const record = `${before.entity}:${before.id}`;
      this.pendingByRecord.set(record, [...this.entries.values()].filter((x) => `${x.entity}:${x.id}` === record).map((x) => x.key));
    };
  }

  /** An outbox key's place in the order entries were first queued (keys are UUIDs: no order of their own). */
  private queuedAt(key: string): number {
    let n = this.queueOrder.get(key);
    if (n === undefined) this.queueOrder.set(key, (n = this.queueCounter++));
    return n;
  }

  private listPending(m: Mutation): string[] {
    const key = `${m.entity}:${m.id}`;
    let list = this.pendingByRecord.get(key);
    if (!list) this.pendingByRecord.set(key, (list = []));
    return list;
  }

  private unlistPending(m: Mutation, outboxKey: string): void {
    const key = `${m.entity}:${m.id}`;
    const list = this.pendingByRecord.get(key)?.filter((x) => x !== outboxKey) ?? [];
    if (list.length) this.pendingByRecord.set(key, list);
    else this.pendingByRecord.delete(key);
  }
}
