/**
 * One cold start, in a fresh process: argv <storeDir> [agent|breakdown].
 *
 * agent: imports the agent, then times `new Agent(config)` → `await agent.start()` (store load,
 * index build, listen), then reports RSS after a GC (run node with --expose-gc).
 * breakdown: times the parts of a start separately: reading + JSON.parse of the shard files (the
 * floor of any JSON store), then DirectoryStore.load() (the same again plus validation, journal
 * and maps, for real), then Directory.start(), and the heap each of the last two keeps.
 *
 * Prints one JSON line on stdout.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { SyncStore } from '../../agent/sync/sync-store.js';

const scriptAt = performance.now(); // ms since this process started
const storeDir = process.argv[2];
const mode = process.argv[3] ?? 'agent';
if (!storeDir) throw new Error('usage: cold-start.ts <storeDir> [agent|breakdown]');

const gc = (globalThis as { gc?: () => void }).gc;
const collect = () => {
  if (gc) {
    gc();
    gc();
  }
};

if (mode === 'agent') {
  const importStart = performance.now();
  const { Agent } = await import('../../agent/agent.js');
  const { memoryLogger } = await import('../../agent/log.js');
  const { benchConfig } = await import('../lib/config.js');
  const importMs = performance.now() - importStart;
  collect();
  const rssBefore = process.memoryUsage().rss;

  const log = memoryLogger();
  const config = benchConfig(storeDir);
  const t0 = performance.now();
  const agent = new Agent({ config, file: null, storeDir }, { log });
  await agent.start();
  const startMs = performance.now() - t0;
  const rssNoGc = process.memoryUsage().rss;
  collect();
  const mem = process.memoryUsage();
  const loaded = log.lines.map((l) => /directory loaded .*\bms=(\d+)/.exec(l)?.[1]).find((x) => x !== undefined);
  const clients = agent.services.directory.clientCount;
  await agent.stop();
  console.log(
    JSON.stringify({
      mode,
      scriptAtMs: scriptAt,
      importMs,
      startMs,
      loadAndIndexMs: loaded === undefined ? null : Number(loaded),
      clients,
      rssBeforeStart: rssBefore,
      rssAfterStartNoGc: rssNoGc,
      rss: mem.rss,
      heapUsed: mem.heapUsed,
      heapTotal: mem.heapTotal,
      external: mem.external,
      arrayBuffers: mem.arrayBuffers,
      gc: gc !== undefined,
    }),
  );
} else {
  const { DirectoryStore } = await import('../../agent/directory/directory-store.js');
  const { Directory } = await import('../../agent/directory/directory.js');
  const { EventBus } = await import('../../agent/events.js');
  const { memoryLogger } = await import('../../agent/log.js');
  const dir = path.join(storeDir, 'directory');

  // 1. Raw: read + JSON.parse every shard (what any JSON store pays).
  let t = performance.now();
  const shardDir = path.join(dir, 'clients');
  const names = (await fs.readdir(shardDir)).filter((n) => /^shard-\d+\.json$/.test(n)).sort();
  const parsed: unknown[] = [];
  let bytes = 0;
  let plainJson = true;
  for (const n of names) {
    const buf = await fs.readFile(path.join(shardDir, n));
    bytes += buf.length;
    // The format is the store's business: this only assumes the records are one JSON document,
    // possibly after a header line. If not, the floor is not measured.
    const text = buf.toString('utf8');
    try {
      parsed.push(JSON.parse(text.slice(Math.max(0, text.indexOf('{')))));
    } catch {
      plainJson = false;
    }
  }
  const readParseMs = plainJson ? performance.now() - t : null;

  parsed.length = 0;
  collect();

  // 2. The journal files (read in full at start, even the part a snapshot covers).
  let journalBytes = 0;
  for (const n of await fs.readdir(path.join(dir, 'journal')).catch(() => [] as string[])) {
    journalBytes += (await fs.stat(path.join(dir, 'journal', n))).size;
  }

  // 3. The real thing: DirectoryStore.load() (read, parse, validate, journal replay).
  collect();
  const heapBase = process.memoryUsage().heapUsed;
  const log = memoryLogger();
  t = performance.now();
  const store = new DirectoryStore(dir, log, { sections: [new SyncStore().section] }); // as the agent opens it
  const { replayed } = await store.load();
  const storeLoadMs = performance.now() - t;
  collect();
  const heapStore = process.memoryUsage().heapUsed - heapBase;

  // 4. Directory.start(): search index + reference and group maps.
  t = performance.now();
  const directory = new Directory(store, new EventBus());
  directory.start();
  const indexMs = performance.now() - t;
  collect();
  const heapIndex = process.memoryUsage().heapUsed - heapBase - heapStore;
  await store.close();
  console.log(
    JSON.stringify({
      mode,
      shards: names.length,
      shardBytes: bytes,
      journalBytes,
      replayed,
      readParseMs,
      storeLoadMs,
      indexMs,
      heapStoreBytes: heapStore,
      heapIndexBytes: heapIndex,
      clients: store.clients.size,
    }),
  );
}
