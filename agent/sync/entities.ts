import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
import { type Directory, displayName } from '../directory/directory.js';
import type { DirectoryStore } from '../directory/directory-store.js';
import { type Client, type Group, clientRecordSchema, groupRecordSchema, isClient } from '../directory/schema.js';
import type { DirectoryOp, SectionOp } from '../directory/store-format.js';
import {
  type FieldValue,
  applyClientFields,
  applyGroupFields,
  clientFields,
  clientFieldsDiff,
  clientFieldsFromFlat,
  flatClientFields,
  flatGroupFields,
  groupFields,
  groupFieldsDiff,
  groupFieldsFromFlat,
} from './fields.js';
import type { ClientMutation, GroupMutation, Mutation } from './records.js';

/**
 * Everything the sync does that differs between clients and groups, in one table: the sync's
 * code asks the row of a record's entity instead of switching on it.
 */

interface Kinds {
  client: { record: Client; mutation: ClientMutation };
  group: { record: Group; mutation: GroupMutation };
}
export type Entity = keyof Kinds;
export type RecordOf<E extends Entity> = Kinds[E]['record'];
/** A mutation of an entity (written as a mapped type so that a mutation and its row stay matched). */
export type MutationOf<E extends Entity> = { [K in E]: Kinds[K]['mutation'] & { entity: K } }[E];

export interface EntityRow<E extends Entity> {
  readonly entity: E;
  /** `Client` / `Group`, for messages. */
  readonly noun: string;
  /** A record from the cloud, checked. */
  parse(data: unknown): z.ZodSafeParseResult<RecordOf<E>>;
  is(r: Client | Group): r is RecordOf<E>;
  owns(m: Mutation): m is MutationOf<E>;
  /** The name staff know the record by. */
  label(r: RecordOf<E>): string;
  records(store: DirectoryStore<SectionOp>): ReadonlyMap<string, RecordOf<E>>;
  put(r: RecordOf<E>): DirectoryOp;
  del(id: string): DirectoryOp;
  /** Every editable field of the record, flat: `lastName`, `address.city`… */
  flatRecord(r: RecordOf<E>): Map<string, FieldValue>;
  /** The fields the mutation sends, flat. */
  flatData(m: MutationOf<E>): Map<string, FieldValue>;
  /** The record with the mutation's fields on it. */
  withData(r: RecordOf<E>, m: MutationOf<E>): RecordOf<E>;
  /**
   * The outbox entry for one edit: create (no `before`), update, or delete (no `after`). `base` is
   * the cloud's record the edit was made on (null when the cloud has not seen the record);
   * `adopted` marks a create of a record made before this cloud was configured (refused, it stays here).
   */
  mutation(before: RecordOf<E> | undefined, after: RecordOf<E> | undefined, base: RecordOf<E> | null, at: string, adopted: boolean): MutationOf<E> | null;
  /** The edit re-made on the cloud's record with only `keep`, as an update under a new mutationId (the old one would get its first answer again), in its place. */
  rebuilt(m: MutationOf<E>, current: RecordOf<E>, keep: ReadonlyMap<string, FieldValue>, mutationId: string): MutationOf<E>;
  /** The edit standing on the cloud's record (its fields unchanged). */
  rebased(m: MutationOf<E>, record: RecordOf<E>): MutationOf<E>;
  /** The mutation's `data` as the contract sends it (none for a delete). */
  wireData(m: MutationOf<E>): Record<string, unknown> | undefined;
  /** A deletion goes first in its request: a group's, after the moves of its clients are settled (one may conflict). */
  readonly deletionFirst: boolean;
  /** Staff re-apply the shop's values: an edit like any other, through the directory's rules. */
  update(directory: Directory, id: string, flat: ReadonlyMap<string, FieldValue>): Promise<unknown>;
  delete(directory: Directory, id: string): Promise<void>;
  create(directory: Directory, r: RecordOf<E>): Promise<unknown>;
}

const client: EntityRow<'client'> = {
  entity: 'client',
  noun: 'Client',
  parse: (data) => clientRecordSchema.safeParse(data),
  is: (r): r is Client => isClient(r),
  owns: (m): m is ClientMutation => m.entity === 'client',
  label: (r) => displayName(r),
  records: (store) => store.clients,
  put: (record) => ({ op: 'client.put', record }),
  del: (id) => ({ op: 'client.del', id }),
  flatRecord: (r) => flatClientFields(clientFields(r)),
  flatData: (m) => (m.data ? flatClientFields(m.data) : new Map()),
  withData: (r, m) => (m.data ? applyClientFields(r, m.data) : r),
  mutation(before, after, base, at, adopted) {
    const common = mutationCommon(before, after, at, adopted);
    if (!common) return null;
    const data = after ? (before ? clientFieldsDiff(before, after) : clientFields(after)) : undefined;
    return { ...common, entity: 'client', data, base };
  },
  rebuilt: (m, current, keep, mutationId) => ({ ...m, op: 'update', mutationId, baseVersion: current.version, base: current, data: clientFieldsFromFlat(keep) }),
  rebased: (m, record) => ({ ...m, baseVersion: record.version, base: record }),
  wireData(m) {
    if (!m.data || m.op === 'delete') return undefined;
    if (m.op === 'create') {
      return { id: m.id, ...m.data, accountBalance: 0, walletBalance: 0, version: 0, updatedAt: m.at };
    }
    // An address goes whole, built on the cloud's address at baseVersion: a server that replaces
    // top-level fields then keeps the parts the shop did not touch.
    if (m.data.address && m.base) return { ...m.data, address: { ...m.base.address, ...m.data.address } };
    return { ...m.data };
  },
  deletionFirst: false,
  update: (directory, id, flat) => directory.updateClient(id, clientFieldsFromFlat(flat)),
  delete: async (directory, id) => {
    await directory.deleteClient(id);
  },
  create: (directory, r) => directory.createClient({ ...r, address: { ...r.address } }),
};

const group: EntityRow<'group'> = {
  entity: 'group',
  noun: 'Group',
  parse: (data) => groupRecordSchema.safeParse(data),
  is: (r): r is Group => !isClient(r),
  owns: (m): m is GroupMutation => m.entity === 'group',
  label: (r) => r.name,
  records: (store) => store.groups,
  put: (record) => ({ op: 'group.put', record }),
  del: (id) => ({ op: 'group.del', id }),
  flatRecord: (r) => flatGroupFields(groupFields(r)),
  flatData: (m) => (m.data ? flatGroupFields(m.data) : new Map()),
  withData: (r, m) => (m.data ? applyGroupFields(r, m.data) : r),
  mutation(before, after, base, at, adopted) {
    const common = mutationCommon(before, after, at, adopted);
    if (!common) return null;
    const data = after ? (before ? groupFieldsDiff(before, after) : groupFields(after)) : undefined;
    return { ...common, entity: 'group', data, base };
  },
  rebuilt: (m, current, keep, mutationId) => ({ ...m, op: 'update', mutationId, baseVersion: current.version, base: current, data: groupFieldsFromFlat(keep) }),
  rebased: (m, record) => ({ ...m, baseVersion: record.version, base: record }),
  wireData(m) {
    if (!m.data || m.op === 'delete') return undefined;
    if (m.op === 'create') return { id: m.id, ...m.data, version: 0, updatedAt: m.at };
    return { ...m.data };
  },
  deletionFirst: true,
  update: (directory, id, flat) => directory.updateGroup(id, groupFieldsFromFlat(flat)),
  delete: (directory, id) => directory.deleteGroup(id),
  create: (directory, r) => directory.createGroup({ id: r.id, name: r.name, discountPercent: r.discountPercent }),
};

export const ENTITIES: { readonly [E in Entity]: EntityRow<E> } = { client, group };

/** Groups first: their clients need them (a create of a client in a group the cloud lacks is refused). */
export const ENTITY_ORDER = [group, client] as const;

export function rowFor<E extends Entity>(entity: E): EntityRow<E> {
  return ENTITIES[entity];
}

/** The row of the mutation's entity, matched with it. */
export function rowOf<E extends Entity>(m: MutationOf<E>): EntityRow<E> {
  return ENTITIES[m.entity];
}

/** The name staff know a record by ('' when there is none). */
export function labelOf(r: Client | Group | null | undefined): string {
  if (!r) return '';
  for (const row of ENTITY_ORDER) {
    const label = labelIn(row, r);
    if (label !== null) return label;
  }
  return '';
}

function labelIn<E extends Entity>(row: EntityRow<E>, r: Client | Group): string | null {
  return row.is(r) ? row.label(r) : null;
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
