import type { RecordChange } from '../directory/directory-store.js';
import type { EditRecorder } from '../directory/edit-recorder.js';
import { type Entity, type EntityRow, type RecordOf, rowFor } from './entities.js';
import type { OutboxReader } from './outbox.js';
import type { SyncOp } from './records.js';

/**
 * With a cloud, every shop edit becomes an outbox entry in the edit's own durable write, and the
 * etag names the newest edit not yet pushed: the version is the cloud's and does not change
 * until the cloud accepts the edit.
 */
export class OutboxRecorder implements EditRecorder<SyncOp> {
  constructor(
    private readonly outbox: OutboxReader,
    private readonly now: () => Date = () => new Date(),
  ) {}

  recorded(edit: RecordChange, adopted = false): SyncOp[] {
    const mutation = this.mutation(rowFor(edit.entity), edit.id, edit.before, edit.after, adopted);
    return mutation ? [{ op: 'outbox.put', mutation }] : [];
  }

  etagOf(entity: 'client' | 'group', record: { id: string; version: number }): string {
    const last = this.outbox.lastPending(entity, record.id);
    return last ? `${record.version}-${last.mutationId.slice(0, 8)}` : String(record.version);
  }

  /**
   * `base` is the cloud's record the edit was made on: the record as it is when nothing is
   * pending, else the base of its oldest pending edit (the cloud has not seen the edits in between).
   */
  private mutation<E extends Entity>(row: EntityRow<E>, id: string, before: RecordOf<E> | undefined, after: RecordOf<E> | undefined, adopted: boolean) {
    const pending = this.outbox.firstPending(row.entity, id);
    const base = pending ? (row.owns(pending) ? pending.base : null) : (before ?? null);
    return row.mutation(before, after, base, this.now().toISOString(), adopted);
  }
}
