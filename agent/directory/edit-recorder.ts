import type { RecordChange } from './directory-store.js';
import type { SectionOp } from './store-format.js';

/**
 * What a shop edit records beside the record for an authority the directory does not know (the
 * cloud sync's outbox). Its ops go into the edit's own commit: one durable write, undone with the
 * edit when the write fails. Without a recorder the shop is its own authority: versions count up
 * here and the etag is the version.
 */
export interface EditRecorder<Op extends SectionOp> {
  /**
   * The ops recording this edit (create: no `before`, delete: no `after`), none when there is
   * nothing to record. `adopted`: an existing record offered again as a create, which, refused,
   * stays here.
   */
  recorded(edit: RecordChange, adopted?: boolean): Op[];
  /** The record's etag: it changes at every edit, also while the version waits for the authority. */
  etagOf(entity: 'client' | 'group', record: { id: string; version: number }): string;
}
