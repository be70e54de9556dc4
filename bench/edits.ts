import { promises as fs } from 'node:fs';
import path from 'node:path';
import { Directory } from '../agent/directory/directory.js';
import { DirectoryStore } from '../agent/directory/directory-store.js';
import { EventBus } from '../agent/events.js';
import { memoryLogger } from '../agent/log.js';
import { type EditResult, runEditors } from './lib/editors.js';
import { median, summarize, type Summary } from './lib/stats.js';
import type { SyncOp } from '../agent/sync/records.js';
import { SyncStore } from '../agent/sync/sync-store.js';

/**
 * (c) Durable edit acknowledgement, in process: Directory.updateClient() on a store loaded the way
 * the agent's services load it (DirectoryStore + Directory), resolving once the journal entry is fsync'ed.
 * Baseline: rewriting the whole directory as one JSON file per edit (what a single-file lowdb store
 * does): JSON.stringify + write + fsync of all 100k clients.
 */

export interface OpenDirectory {
  store: DirectoryStore<SyncOp>;
  directory: Directory<SyncOp>;
  log: ReturnType<typeof memoryLogger>;
  close(): Promise<void>;
}

export async function openDirectory(storeDir: string): Promise<OpenDirectory> {
  const log = memoryLogger();
  const store = new DirectoryStore(path.join(storeDir, 'directory'), log, { sections: [new SyncStore().section] }); // as the agent opens it
  await store.load();
  const directory = new Directory(store, new EventBus());
  directory.start();
  return {
    store,
    directory,
    log,
    async close() {
      directory.stop();
      await store.close();
    },
  };
}

export function runInProcessEdits(directory: Directory, ids: readonly string[], concurrency: number, tag: string): Promise<EditResult> {
  return runEditors(ids, concurrency, async (id, n) => {
    const t = performance.now();
    try {
      await directory.updateClient(id, { notes: `${tag} ${n}` }, '"1"');
      return { ms: performance.now() - t };
    } catch (err) {
      return { error: err instanceof Error ? err.message : String(err) };
    }
  });
}

export interface BaselineResult {
  runs: number;
  bytes: number;
  stringifyMs: number;
  writeFsyncMs: number;
  totalMs: number;
  totalRuns: number[];
}

/** The naive store: the whole directory as one JSON document, rewritten and fsync'ed per edit. */
export async function runFullRewriteBaseline(store: DirectoryStore<SyncOp>, tmpDir: string, runs: number): Promise<BaselineResult> {
  const file = path.join(tmpDir, 'db.json');
  const stringify: number[] = [];
  const write: number[] = [];
  const total: number[] = [];
  let bytes = 0;
  for (let i = 0; i < runs + 1; i++) {
    const t0 = performance.now();
    const text = JSON.stringify({ clients: [...store.clients.values()], groups: [...store.groups.values()] });
    const t1 = performance.now();
    const handle = await fs.open(file, 'w');
    try {
      await handle.writeFile(text, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    const t2 = performance.now();
    bytes = Buffer.byteLength(text);
    if (i === 0) continue; // warm-up
    stringify.push(t1 - t0);
    write.push(t2 - t1);
    total.push(t2 - t0);
  }
  await fs.rm(file, { force: true });
  return { runs, bytes, stringifyMs: median(stringify), writeFsyncMs: median(write), totalMs: median(total), totalRuns: total };
}

/** The floor under any durable edit on this disk: append ~1 KB to a file and fdatasync it. */
export async function measureFsyncFloor(tmpDir: string, n: number): Promise<Summary> {
  const file = path.join(tmpDir, 'floor.log');
  const handle = await fs.open(file, 'a+');
  const line = Buffer.alloc(1000, 0x61);
  const lat: number[] = [];
  try {
    for (let i = 0; i < n + 10; i++) {
      const t = performance.now();
      await handle.write(line, 0, line.length, i * line.length);
      await handle.datasync();
      if (i >= 10) lat.push(performance.now() - t);
    }
  } finally {
    await handle.close();
  }
  await fs.rm(file, { force: true });
  return summarize(lat);
}

export interface SnapshotProbeResult {
  attempted: number;
  ok: number;
  failed: number;
  latency: Summary;
  snapshotMs: number;
  snapshotError: string | null;
  firstError: string | null;
  errorsAfterSnapshot: number;
  logErrors: string[];
}

/**
 * Edits while a snapshot runs (what happens every time the journal reaches 8 MB, or 30 s after the
 * last edit): starts store.snapshot() with dirty shards, then edits one at a time until it ends,
 * then a few more after it.
 */
export async function runSnapshotProbe(open: OpenDirectory, ids: readonly string[]): Promise<SnapshotProbeResult> {
  const lat: number[] = [];
  let failed = 0;
  let firstError: string | null = null;
  let i = 0;
  let snapshotError: string | null = null;
  let done = false;
  const t0 = performance.now();
  const snap = open.store
    .snapshot()
    .catch((err: unknown) => {
      snapshotError = err instanceof Error ? err.message : String(err);
    })
    .finally(() => {
      done = true;
    });
  const snapshotEnded = snap.then(() => performance.now() - t0);
  const edit = async () => {
    const id = ids[i++ % ids.length]!;
    const during = !done;
    const t = performance.now();
    try {
      await open.directory.updateClient(id, { notes: `during snapshot ${i}` });
      if (during) lat.push(performance.now() - t);
      return true;
    } catch (err) {
      failed++;
      firstError ??= err instanceof Error ? err.message : String(err);
      return false;
    }
  };
  while (!done && i < ids.length - 10) await edit();
  const snapshotMs = await snapshotEnded;
  // After the snapshot: does the store still take edits?
  let errorsAfter = 0;
  for (let k = 0; k < 10; k++) if (!(await edit())) errorsAfter++;
  return {
    attempted: i - 10,
    ok: lat.length,
    failed: failed - errorsAfter,
    latency: summarize(lat),
    snapshotMs,
    snapshotError,
    firstError,
    errorsAfterSnapshot: errorsAfter,
    logErrors: open.log.lines.filter((l) => l.startsWith('error')).slice(0, 3),
  };
}
