import type { DirectoryStore, StoreSection } from '../directory/directory-store.js';
import type { DirectoryOp } from '../directory/store-format.js';
import { Outbox, type OutboxReader } from './outbox.js';
import { INITIAL_SYNC_CURSOR, SYNC_OP_NAMES, type SyncCursor, type SyncIssue, type SyncMeta, type SyncOp, syncMetaSchema, syncOpSchema } from './records.js';

/** The directory store with the sync's section in it: commits take the sync's ops beside the records'. */
export type SyncedStore = DirectoryStore<SyncOp>;
/** What one durable write of the sync holds: records and the sync's own state. */
export type SyncedOp = DirectoryOp | SyncOp;

/**
 * What the sync keeps in the directory store: the outbox, the pull cursor and the issues. The
 * store holds them as a section (its journal and meta.json, see `section`), so an edit and its
 * outbox entry, or a pulled page and its cursor, are one durable write; they change only through
 * a commit of that store. Built before the store, registered with it, kept also standalone (the
 * issues stay visible, the cursor is forgotten: see forgetCloud).
 */
export class SyncStore {
  private readonly queue = new Outbox();
  private readonly issueMap = new Map<string, SyncIssue>();
  private current: SyncCursor = INITIAL_SYNC_CURSOR;
  private listeners: Array<() => void> = [];

  /** Local edits waiting for the cloud. */
  get outbox(): OutboxReader {
    return this.queue;
  }

  /** Conflicts and refused edits staff have not dismissed. */
  get issues(): ReadonlyMap<string, SyncIssue> {
    return this.issueMap;
  }

  get cursor(): SyncCursor {
    return this.current;
  }

  /** The outbox, the cursor or the issues changed (not the records), or such a change was undone. */
  onChange(listener: () => void): () => void {
    this.listeners.push(listener);
    return () => {
      this.listeners = this.listeners.filter((l) => l !== listener);
    };
  }

  /** For `new DirectoryStore(…, { sections: [syncStore.section] })`. */
  readonly section: StoreSection<SyncOp> = {
    opNames: SYNC_OP_NAMES,
    parseOp: (raw) => syncOpSchema.parse(raw),
    readMeta: (raw) => {
      const meta = syncMetaSchema.parse(raw);
      return () => this.takeIn(meta);
    },
    // the field order of meta.json as it always was: outbox, sync, issues
    metaFields: () => ({ outbox: [...this.queue.values()], sync: this.current, issues: [...this.issueMap.values()] }) satisfies SyncMeta,
    apply: (op) => this.changed(this.apply(op)),
    writing: (ops) => this.queue.writing(ops.flatMap((op) => (op.op === 'outbox.put' ? [op.mutation.key] : []))),
  };

  private takeIn(meta: SyncMeta): void {
    for (const m of meta.outbox) this.queue.set(m.key, m);
    for (const i of meta.issues) this.issueMap.set(i.id, i);
    this.current = meta.sync;
  }

  private apply(op: SyncOp): () => void {
    switch (op.op) {
      case 'outbox.put':
        return this.queue.set(op.mutation.key, op.mutation);
      case 'outbox.del':
        return this.queue.set(op.key, undefined);
      case 'sync.cursor': {
        const before = this.current;
        this.current = op.state;
        return () => {
          this.current = before;
        };
      }
      case 'issue.put':
      case 'issue.del': {
        const id = op.op === 'issue.put' ? op.issue.id : op.id;
        const before = this.issueMap.get(id);
        const put = (v: SyncIssue | undefined) => (v ? this.issueMap.set(id, v) : this.issueMap.delete(id));
        put(op.op === 'issue.put' ? op.issue : undefined);
        return () => put(before);
      }
    }
  }

  /** Tells listeners of the change, and again of its undo. */
  private changed(undo: () => void): () => void {
    for (const l of this.listeners) l();
    return () => {
      undo();
      for (const l of this.listeners) l();
    };
  }
}
