import { promises as fs } from 'node:fs';
import path from 'node:path';
import { DirectoryStore } from '../../agent/directory/directory-store.js';
import type { Client, Group } from '../../agent/directory/schema.js';
import type { DirectoryOp } from '../../agent/directory/store-format.js';
import type { Logger } from '../../agent/log.js';
import { SyncStore } from '../../agent/sync/sync-store.js';

/**
 * Builds a store folder holding `clients` through the DirectoryStore API only (the file format is
 * the store's business): load(), commit() in batches of client.put, close(). The store takes its
 * own snapshots as it would during a full sync (journal past 8 MB), so the folder ends up as after
 * one: 64 shards, meta.json, and one snapshot's worth of journal kept behind.
 */
export async function seedStore(
  storeDir: string,
  clients: readonly Client[],
  groups: readonly Group[],
  log: Logger,
  opts: { batch?: number } = {},
): Promise<{ ms: number; commits: number; bytes: number }> {
  const batch = opts.batch ?? 1000;
  const started = performance.now();
  const store = new DirectoryStore(path.join(storeDir, 'directory'), log, { sections: [new SyncStore().section] }); // as the agent opens it
  await store.load();
  let commits = 0;
  await store.commit(groups.map((record): DirectoryOp => ({ op: 'group.put', record })));
  commits++;
  for (let i = 0; i < clients.length; i += batch) {
    await store.commit(clients.slice(i, i + batch).map((record): DirectoryOp => ({ op: 'client.put', record })));
    commits++;
  }
  await store.close();
  return { ms: performance.now() - started, commits, bytes: await folderBytes(storeDir) };
}

export async function folderBytes(dir: string): Promise<number> {
  let total = 0;
  for (const entry of await fs.readdir(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) total += (await fs.stat(path.join(entry.parentPath, entry.name))).size;
  }
  return total;
}

/** A fresh copy of a seeded store folder (each benchmark that writes gets its own). */
export async function copyStore(from: string, to: string): Promise<void> {
  await fs.cp(from, to, { recursive: true });
  await fs.rm(path.join(to, 'agent.lock'), { force: true });
}
