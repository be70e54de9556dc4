import { randomUUID } from 'node:crypto';
import type { Client, Group } from '../directory/schema.js';
import { clientFields, clientFieldsDiff, groupFields, groupFieldsDiff } from './fields.js';
import type { ClientMutation, GroupMutation } from './records.js';

/**
 * The outbox entry for one edit: create (no `before`), update, or delete (no `after`). `base` is
 * the cloud's record the edit was made on (null when the cloud has not seen the record); `adopted`
 * marks a create of a record made before this cloud was configured (refused, it stays here).
 */
export function clientMutation(before: Client | undefined, after: Client | undefined, base: Client | null, at: string, adopted = false): ClientMutation | null {
  const common = mutationCommon(before, after, at, adopted);
  if (!common) return null;
  const data = after ? (before ? clientFieldsDiff(before, after) : clientFields(after)) : undefined;
  return { ...common, entity: 'client', data, base };
}

export function groupMutation(before: Group | undefined, after: Group | undefined, base: Group | null, at: string, adopted = false): GroupMutation | null {
  const common = mutationCommon(before, after, at, adopted);
  if (!common) return null;
  const data = after ? (before ? groupFieldsDiff(before, after) : groupFields(after)) : undefined;
  return { ...common, entity: 'group', data, base };
}

function mutationCommon(before: Client | Group | undefined, after: Client | Group | undefined, at: string, adopted: boolean) {
  const record = after ?? before;
  if (!record) return null;
  const mutationId = randomUUID();
  return {
    key: mutationId,
    mutationId,
    op: !before ? ('create' as const) : !after ? ('delete' as const) : ('update' as const),
    id: record.id,
    baseVersion: before ? before.version : null,
    at,
    ...(adopted ? { adopted: true } : {}),
  };
}
