import { z } from '@hono/zod-openapi';
import { addressSchema, clientRecordSchema, groupRecordSchema } from '../directory/schema.js';

/**
 * What the sync keeps on disk beside the directory, in the same journal (so an edit and its
 * outbox entry, or a pulled page and its cursor, are one durable write): the outbox of local
 * edits not yet accepted by the cloud, the pull cursor, and the issues staff must see
 * (conflicts kept, mutations refused). The directory store holds them as a section (see
 * sync-store.ts); their journal ops and meta.json fields are at the end of this file.
 */

/** The fields of a client an edit may change: `data` of an update holds only those it changed. */
export const clientFieldsSchema = clientRecordSchema
  .omit({ id: true, version: true, updatedAt: true, accountBalance: true, walletBalance: true })
  .extend({ address: addressSchema.partial() })
  .partial();
export type ClientFields = z.infer<typeof clientFieldsSchema>;

export const groupFieldsSchema = groupRecordSchema.pick({ name: true, discountPercent: true }).partial();
export type GroupFields = z.infer<typeof groupFieldsSchema>;

const mutationCommon = {
  /** The outbox entry's own id: stays when the mutation is sent again under a new mutationId. */
  key: z.uuid(),
  /** The cloud's idempotency key: a resend of the same mutation reuses it, a re-based one gets a new one. */
  mutationId: z.uuid(),
  op: z.enum(['create', 'update', 'delete']),
  id: z.string().min(1).max(64),
  /** The cloud version the edit was made on (null: the record is not in the cloud yet). */
  baseVersion: z.number().int().min(0).nullable(),
  /** When staff made the edit. */
  at: z.string(),
  /** A create for a record made before this cloud was configured: refused, the record stays here. */
  adopted: z.boolean().optional(),
};

/**
 * A local edit waiting for the cloud. `base` is the cloud's record the edit was made on: it tells
 * which fields the cloud changed meanwhile (a conflict), and what to put back if it is refused.
 */
export const clientMutationSchema = z.object({
  ...mutationCommon,
  entity: z.literal('client'),
  data: clientFieldsSchema.optional(),
  base: clientRecordSchema.nullable(),
});
export const groupMutationSchema = z.object({
  ...mutationCommon,
  entity: z.literal('group'),
  data: groupFieldsSchema.optional(),
  base: groupRecordSchema.nullable(),
});
export const mutationSchema = z.discriminatedUnion('entity', [clientMutationSchema, groupMutationSchema]);
export type ClientMutation = z.infer<typeof clientMutationSchema>;
export type GroupMutation = z.infer<typeof groupMutationSchema>;
export type Mutation = z.infer<typeof mutationSchema>;

const fieldValue = z.union([z.string(), z.number(), z.null()]);

/**
 * Something staff must see and decide on:
 * - `conflict`: the shop and the cloud changed the same fields; the cloud's values were kept,
 *   the shop's are here to re-apply;
 * - `deleted-in-cloud`: the shop edited a record the cloud deleted; the shop's record is kept here;
 * - `changed-in-cloud`: the shop deleted a record the cloud changed meanwhile; the cloud's record
 *   was kept, re-applying deletes it again;
 * - `rejected`: the cloud refused the edit (code and message as it said), the record went back to
 *   the cloud's state.
 */
export const syncIssueSchema = z.object({
  id: z.uuid().describe('the issue id'),
  kind: z
    .enum(['conflict', 'deleted-in-cloud', 'changed-in-cloud', 'rejected'])
    .describe(
      "conflict: both changed the same fields, the cloud's values kept; deleted-in-cloud: the shop edited a record the cloud deleted; " +
        "changed-in-cloud: the shop deleted a record the cloud changed; rejected: the cloud refused the edit",
    ),
  entity: z.enum(['client', 'group']).describe('what kind of record'),
  recordId: z.string().describe("the record's id"),
  /** The record's name when the issue arose (the record may be gone since). */
  label: z.string().describe("the record's name when the issue arose (it may be gone since)"),
  op: z.enum(['create', 'update', 'delete']).describe("the shop's edit"),
  at: z.string().describe('when the issue arose (ISO 8601, UTC)'),
  fields: z
    .array(z.object({ path: z.string().describe('the field'), shop: fieldValue.describe("the shop's value"), cloud: fieldValue.describe("the cloud's value") }))
    .default([])
    .describe('conflict: the fields both changed'),
  /** deleted-in-cloud: the shop's record, to create again. */
  record: z.union([clientRecordSchema, groupRecordSchema]).nullable().default(null).describe("deleted-in-cloud: the shop's record, to create again"),
  code: z.string().nullable().default(null).describe('rejected: the code the cloud answered'),
  message: z.string().nullable().default(null).describe('rejected: what the cloud said'),
});
export type SyncIssue = z.infer<typeof syncIssueSchema>;

export const syncCursorSchema = z.object({
  /** The last cursor the cloud gave (null: no pull yet, or a full pull starts over). */
  cursor: z.string().nullable(),
  /**
   * A full pull under way. `sweep`: it replaces a copy that already held records (after 410), so
   * records it does not bring are removed at its end; such a pull restarts from the beginning
   * after a crash (the records seen so far are not kept). A first pull (sweep false) resumes.
   */
  full: z.object({ sweep: z.boolean() }).nullable(),
  /** Records made before the cloud was configured have been queued for it. */
  adopted: z.boolean(),
  /** The cloud this state belongs to (null: none yet, or the agent ran standalone since). */
  url: z.string().nullable().default(null),
  /** The last successful sync, kept so that staff see how old the copy is after a restart. */
  lastSyncAt: z.string().nullable().default(null),
});
export type SyncCursor = z.infer<typeof syncCursorSchema>;

export const INITIAL_SYNC_CURSOR: SyncCursor = { cursor: null, full: null, adopted: false, url: null, lastSyncAt: null };

/**
 * The sync's journal ops, in the directory store's journal: whole entries, so replaying one twice
 * changes nothing. An edit made in the shop with a cloud is `client.put` + `outbox.put` in one
 * entry; a pulled page is its records + `sync.cursor` in one entry.
 */
export const syncOpSchema = z.discriminatedUnion('op', [
  z.object({ op: z.literal('outbox.put'), mutation: mutationSchema }),
  z.object({ op: z.literal('outbox.del'), key: z.string() }),
  z.object({ op: z.literal('sync.cursor'), state: syncCursorSchema }),
  z.object({ op: z.literal('issue.put'), issue: syncIssueSchema }),
  z.object({ op: z.literal('issue.del'), id: z.string() }),
]);
export type SyncOp = z.infer<typeof syncOpSchema>;

export const SYNC_OP_NAMES = ['outbox.put', 'outbox.del', 'sync.cursor', 'issue.put', 'issue.del'] as const satisfies ReadonlyArray<SyncOp['op']>;

/** The sync's fields of the directory's meta.json (absent in stores written before sync existed: nothing pending, no cursor). */
export const syncMetaSchema = z.object({
  outbox: z.array(mutationSchema).default([]),
  sync: syncCursorSchema.default(INITIAL_SYNC_CURSOR),
  issues: z.array(syncIssueSchema).default([]),
});
export type SyncMeta = z.infer<typeof syncMetaSchema>;
