import { AgentError, notFound } from '../errors.js';
import type { Directory } from '../directory/directory.js';
import type { Client, Group } from '../directory/schema.js';
import { type Entity, type EntityRow, rowFor } from './entities.js';
import type { SyncIssue, SyncOp } from './records.js';
import type { SyncStore, SyncedStore } from './sync-store.js';

/**
 * What staff do with a conflict or a refused edit: re-apply the shop's values (as a new edit,
 * through the directory's rules and the outbox like any other), or dismiss it.
 */
export class SyncIssues {
  constructor(
    private readonly store: SyncedStore,
    private readonly saved: SyncStore,
    private readonly directory: Directory<SyncOp>,
  ) {}

  list(): SyncIssue[] {
    return [...this.saved.issues.values()].sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : 0));
  }

  get(id: string): SyncIssue {
    const issue = this.saved.issues.get(id);
    if (!issue) throw notFound('Sync issue', id);
    return issue;
  }

  async dismiss(id: string): Promise<void> {
    this.get(id);
    await this.store.commit([{ op: 'issue.del', id }]);
  }

  /** Makes the shop's side of the issue a new local edit, then closes the issue. */
  async reapply(id: string): Promise<void> {
    const issue = this.get(id);
    const restore = issue.record !== null && (issue.kind === 'deleted-in-cloud' || (issue.kind === 'rejected' && issue.op === 'create'));
    if (issue.op === 'delete' || issue.kind === 'changed-in-cloud') {
      await this.deleteAgain(issue);
    } else if (restore) {
      await this.createAgain(issue);
    } else {
      const flat = new Map(issue.fields.map((f) => [f.path, f.shop]));
      await rowFor(issue.entity).update(this.directory, issue.recordId, flat);
    }
    await this.store.commit([{ op: 'issue.del', id }]);
  }

  private async deleteAgain(issue: SyncIssue): Promise<void> {
    const exists = this.store.record(issue.entity, issue.recordId) !== undefined;
    if (!exists) return; // gone already: nothing left to delete
    await rowFor(issue.entity).delete(this.directory, issue.recordId);
  }

  private async createAgain(issue: SyncIssue): Promise<void> {
    const r = issue.record;
    if (r === null) return;
    const exists = this.store.record(issue.entity, r.id) !== undefined;
    if (exists && issue.kind === 'rejected') {
      // made before the cloud was configured, and kept here when the cloud refused it
      await this.directory.queueCreate(issue.entity, r.id);
      return;
    }
    if (exists) {
      throw new AgentError('exists', 'Already exists', `"${issue.label}" exists again (id ${r.id}); edit it instead of re-applying, or dismiss this issue.`);
    }
    await createAs(rowFor(issue.entity), this.directory, r);
  }
}

/** Creates the record again through the directory's rules, as the issue's entity. */
async function createAs<E extends Entity>(row: EntityRow<E>, directory: Directory, r: Client | Group): Promise<void> {
  // an issue whose kept record is not of its entity would be dismissed with nothing re-created
  if (!row.is(r)) throw new Error(`the issue's kept record ${r.id} is not a ${row.entity}; dismiss the issue and enter it again by hand`);
  await row.create(directory, r);
}
