import path from 'node:path';
import { z } from 'zod';
import type { Logger } from '../log.js';
import { DurableJsonFile, StoreCorruptError } from './durable-file.js';
import { JournalCorruptError } from './journal.js';
import type { StoreFs } from './fs.js';

/**
 * The store's manifest (`store.dir/manifest.json`, beside the directory folder, not in it): what a
 * start must find. Written with each snapshot of the directory: its generation, the sequence
 * number it covers, the record counts at that point, and the journal segments that must follow
 * it. At start, a missing directory folder, a missing segment or counts that do not add up stop
 * the agent (exit code 3) rather than let it run with fewer records as if nothing had happened.
 */
export const manifestSchema = z.object({
  format: z.literal(1),
  generation: z.number().int().min(0),
  writtenAt: z.string(),
  /** the journal sequence number the snapshot covers */
  seq: z.number().int().min(0),
  /** the record counts at `seq`; null when the snapshot was taken while changes were in flight */
  clients: z.number().int().min(0).nullable(),
  groups: z.number().int().min(0).nullable(),
  /** the journal segments that must exist, oldest first (the newest takes new entries) */
  segments: z.array(z.string()),
});
export type Manifest = z.infer<typeof manifestSchema>;

export function manifestFile(storeDir: string, log: Logger, fs: StoreFs): DurableJsonFile<Manifest> {
  return new DurableJsonFile(path.join(storeDir, 'manifest.json'), (raw) => manifestSchema.parse(raw), log, { fs, mode: 0o600 });
}

/** The exit code of an agent that refuses to start because its store needs the installer. */
export const STORE_EXIT_CODE = 3;

/** What to do about a store that cannot start as it is: the commands that get it going again. */
export function waysOut(storeDir: string): string {
  return (
    `Ways out: restore the store from a backup (npm run store -- restore <backup file>); or start again from an empty directory ` +
    `on purpose, pulled again from the cloud when one is configured (npm run store -- reset: it moves the old folder aside, ` +
    `with the time in its name, and deletes nothing). npm run store -- check tells what a start would do. (Store: ${storeDir})`
  );
}

/** The store is missing something or does not add up: the agent stops (exit code 3) with what is wrong and the ways out. */
export class StoreNeedsAttentionError extends Error {
  constructor(
    what: string,
    readonly storeDir: string,
  ) {
    super(`${what} The agent will not start with fewer records as if nothing had happened. ${waysOut(storeDir)}`);
    this.name = 'StoreNeedsAttentionError';
  }
}

/** The message of an error that means the store needs the installer (with the ways out for the file it is about), or null. */
export function storeProblem(err: unknown, storeDir: string): string | null {
  if (err instanceof StoreNeedsAttentionError) return err.message;
  if (!(err instanceof StoreCorruptError || err instanceof JournalCorruptError)) return null;
  const relative = path.relative(storeDir, err.file);
  if (relative.startsWith(`jobs${path.sep}`)) {
    return (
      `${err.message} The print queue cannot be read. Ways out: npm run store -- reset --print-queue (moves the queue aside, with the time in ` +
      `its name: its tickets are not printed, and nothing is deleted); or restore the folder ${path.join(storeDir, 'jobs')} from a copy. (Store: ${storeDir})`
    );
  }
  if (relative.startsWith('secrets.json')) {
    return (
      `${err.message} The agent's id and generated API token cannot be read. Ways out: npm run store -- reset --secrets (moves the file aside; ` +
      `the next start makes a new token: paste it into the till); or npm run store -- restore <backup file>, which brings the old ones back. (Store: ${storeDir})`
    );
  }
  return `${err.message} ${waysOut(storeDir)}`;
}
