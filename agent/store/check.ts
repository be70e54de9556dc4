import path from 'node:path';
import { DirectoryStore } from '../directory/directory-store.js';
import { EventBus } from '../events.js';
import { memoryLogger } from '../log.js';
import { JobStore } from '../printing/jobs.js';
import { SyncStore, type SyncedStore } from '../sync/sync-store.js';
import { nodeFs } from './fs.js';
import { manifestFile } from './manifest.js';

/**
 * `npm run store -- check` as lines of text, so that the diagnostics archive carries the same
 * words: from the store folder of a stopped agent (opened read-only, as a start would), or from
 * what a running agent holds open (its journal may be mid-append: it is not read a second time).
 */

const fs = nodeFs;
const mb = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MB`;

async function exists(file: string): Promise<boolean> {
  return fs.stat(file).then(
    () => true,
    () => false,
  );
}

/** Opens the directory read-only, as a start would (the same checks), and says what it found. */
export async function openDirectoryReadOnly(storeDir: string): Promise<{ store: SyncedStore; sync: SyncStore; notes: string[] }> {
  const log = memoryLogger();
  const usedBefore = (await exists(path.join(storeDir, 'secrets.json'))) || (await exists(path.join(storeDir, 'jobs')));
  const sync = new SyncStore();
  const store = new DirectoryStore(path.join(storeDir, 'directory'), log, { storeDir, usedBefore, readOnly: true, sections: [sync.section] });
  const { replayed, recovered } = await store.load();
  const notes = log.lines.filter((l) => !l.startsWith('info')).map((l) => l.replace(/^(warn|error) /, ''));
  if (replayed) notes.push(`${replayed} changes in the journal would be replayed on top of the snapshot`);
  if (recovered.length) notes.push(`recovered from backup copies: ${recovered.join(', ')}`);
  return { store, sync, notes };
}

async function folderBytes(dir: string): Promise<number> {
  let total = 0;
  for (const name of await fs.readdir(dir).catch(() => [] as string[])) {
    const st = await fs.stat(path.join(dir, name)).catch(() => null);
    if (!st) continue;
    total += st.isDirectory() ? await folderBytes(path.join(dir, name)) : st.size;
  }
  return total;
}

/** What the check counts, however it was read. */
export interface StoreFacts {
  clients: number;
  groups: number;
  outbox: number;
  issues: number;
  jobsKept: number;
  jobsWaiting: number;
  /** jobs cut short by a stop, printed again at the next start */
  requeued: number;
  /** what a start would do, or null when a running agent has the store open */
  notes: string[] | null;
}

async function storeLines(storeDir: string, configFile: string, facts: StoreFacts): Promise<string[]> {
  const manifest = await manifestFile(storeDir, memoryLogger(), fs).read();
  const secrets = await fs.stat(path.join(storeDir, 'secrets.json')).catch(() => null);
  const { notes } = facts;
  return [
    `store: ${storeDir} (${mb(await folderBytes(storeDir))}), config ${configFile}`,
    `directory: ${facts.clients} clients, ${facts.groups} groups, ${facts.outbox} edits waiting for the cloud, ${facts.issues} sync issues`,
    `snapshot: ${manifest ? `generation ${manifest.generation} (${manifest.writtenAt}), journal ${manifest.segments.join(', ') || '(none)'}` : 'none yet'}`,
    `print queue: ${facts.jobsKept} jobs kept, ${facts.jobsWaiting} waiting${facts.requeued ? `, ${facts.requeued} cut short (printed again at start, marked reprint)` : ''}`,
    `secrets: ${secrets ? `present (mode ${(secrets.mode & 0o777).toString(8)})` : 'none yet (made at the first start)'}`,
    notes === null ? 'the running agent has the store open (these counts are what it holds)' : notes.length ? `a start would: ${notes.join('; ')}` : 'a start would: open the store as it is',
  ];
}

/** The check of a stopped agent's store, opened read-only (nothing is written). */
export async function checkStore(storeDir: string, configFile: string): Promise<string[]> {
  const { store, sync, notes } = await openDirectoryReadOnly(storeDir);
  const jobs = new JobStore(path.join(storeDir, 'jobs'), new EventBus(), memoryLogger());
  const { requeued } = await jobs.load({ readOnly: true });
  return storeLines(storeDir, configFile, {
    clients: store.clients.size,
    groups: store.groups.size,
    outbox: sync.outbox.size,
    issues: sync.issues.size,
    jobsKept: jobs.list(null, Number.MAX_SAFE_INTEGER).length,
    jobsWaiting: jobs.list('queued', Number.MAX_SAFE_INTEGER).length,
    requeued,
    notes,
  });
}

/** The same check from what a running agent holds: its store, its sync state and its print queue. */
export function checkLiveStore(
  live: { storeDir: string; directoryStore: SyncedStore; syncStore: SyncStore; jobs: JobStore },
  configFile: string,
): Promise<string[]> {
  return storeLines(live.storeDir, configFile, {
    clients: live.directoryStore.clients.size,
    groups: live.directoryStore.groups.size,
    outbox: live.syncStore.outbox.size,
    issues: live.syncStore.issues.size,
    jobsKept: live.jobs.list(null, Number.MAX_SAFE_INTEGER).length,
    jobsWaiting: live.jobs.list('queued', Number.MAX_SAFE_INTEGER).length,
    requeued: 0,
    notes: null,
  });
}
