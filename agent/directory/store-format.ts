import { z } from 'zod';
import { INITIAL_SYNC_CURSOR, mutationSchema, syncCursorSchema, syncIssueSchema } from '../sync/records.js';
import { clientRecordSchema, groupRecordSchema } from './schema.js';

/** The directory store's meta file and journal operations (the shard files are in schema.ts). */

export const metaFileSchema = z.object({
  format: z.literal(1),
  seq: z.number().int().min(0),
  shardCount: z.number().int().min(1),
  /** The seq each shard was last written at (0: never written). A written shard must exist. */
  shardSeqs: z.array(z.number().int().min(0)),
  groups: z.array(groupRecordSchema),
  /** Sync state (absent in stores written before sync existed: nothing pending, no cursor). */
  outbox: z.array(mutationSchema).default([]),
  sync: syncCursorSchema.default(INITIAL_SYNC_CURSOR),
  issues: z.array(syncIssueSchema).default([]),
});
export type MetaFile = z.infer<typeof metaFileSchema>;

/**
 * Journal operations: full records or whole entries, so replaying one twice changes nothing.
 * An edit made in the shop with a cloud is `client.put` + `outbox.put` in one entry; a pulled
 * page is its records + `sync.cursor` in one entry.
 */
export const directoryOpSchema = z.discriminatedUnion('op', [
  z.object({ op: z.literal('client.put'), record: clientRecordSchema }),
  z.object({ op: z.literal('client.del'), id: z.string() }),
  z.object({ op: z.literal('group.put'), record: groupRecordSchema }),
  z.object({ op: z.literal('group.del'), id: z.string() }),
  z.object({ op: z.literal('outbox.put'), mutation: mutationSchema }),
  z.object({ op: z.literal('outbox.del'), key: z.string() }),
  z.object({ op: z.literal('sync.cursor'), state: syncCursorSchema }),
  z.object({ op: z.literal('issue.put'), issue: syncIssueSchema }),
  z.object({ op: z.literal('issue.del'), id: z.string() }),
]);
export type DirectoryOp = z.infer<typeof directoryOpSchema>;
