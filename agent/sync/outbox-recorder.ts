import type { RecordChange } from '../directory/directory-store.js';
import type { EditRecorder } from '../directory/edit-recorder.js';
import { clientMutation, groupMutation } from './mutations.js';
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

  /**
   * `base` is the cloud's record the edit was made on: the record as it is when nothing is
   * pending, else the base of its oldest pending edit (the cloud has not seen the edits in between).
   */
  recorded(edit: RecordChange, adopted = false): SyncOp[] {
    const pending = this.outbox.firstPending(edit.entity, edit.id);
    const at = this.now().toISOString();
    const mutation =
      edit.entity === 'client'
        ? clientMutation(edit.before, edit.after, pending ? (pending.entity === 'client' ? pending.base : null) : (edit.before ?? null), at, adopted)
        : groupMutation(edit.before, edit.after, pending ? (pending.entity === 'group' ? pending.base : null) : (edit.before ?? null), at, adopted);
    return mutation ? [{ op: 'outbox.put', mutation }] : [];
  }

  etagOf(entity: 'client' | 'group', record: { id: string; version: number }): string {
    const last = this.outbox.lastPending(entity, record.id);
    return last ? `${record.version}-${last.mutationId.slice(0, 8)}` : String(record.version);
  }
}
