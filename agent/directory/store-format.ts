import { z } from 'zod';
import { clientRecordSchema, groupRecordSchema } from './schema.js';

/** The directory store's meta file and journal operations (the shard files are in schema.ts). */

/**
 * The directory's own fields of meta.json. A section of the store (see StoreSection) adds its
 * fields beside them; this schema strips those, each section reads its own.
 */
export const metaFileSchema = z.object({
  format: z.literal(1),
  seq: z.number().int().min(0),
  shardCount: z.number().int().min(1),
  /** The seq each shard was last written at (0: never written). A written shard must exist. */
  shardSeqs: z.array(z.number().int().min(0)),
  groups: z.array(groupRecordSchema),
});
export type MetaFile = z.infer<typeof metaFileSchema>;

/**
 * The directory's journal operations: full records or ids, so replaying one twice changes
 * nothing. A section's ops (an outbox entry, a pull cursor) share the entry of the edit or the
 * pulled page they belong to.
 */
export const directoryOpSchema = z.discriminatedUnion('op', [
  z.object({ op: z.literal('client.put'), record: clientRecordSchema }),
  z.object({ op: z.literal('client.del'), id: z.string() }),
  z.object({ op: z.literal('group.put'), record: groupRecordSchema }),
  z.object({ op: z.literal('group.del'), id: z.string() }),
]);
export type DirectoryOp = z.infer<typeof directoryOpSchema>;

const DIRECTORY_OPS: ReadonlySet<string> = new Set(['client.put', 'client.del', 'group.put', 'group.del'] satisfies Array<DirectoryOp['op']>);

/** An op of a part of the store owned elsewhere (a section): plain JSON, named `thing.verb`. */
export interface SectionOp {
  readonly op: string;
}

export function isDirectoryOp(op: SectionOp): op is DirectoryOp {
  return DIRECTORY_OPS.has(op.op);
}

/** The op's name, read from a journal line not yet checked. */
export function opNameOf(raw: unknown): string | undefined {
  return typeof raw === 'object' && raw !== null && 'op' in raw && typeof raw.op === 'string' ? raw.op : undefined;
}
