import { runTsJson, spawnBundle } from './lib/child.js';
import { median } from './lib/stats.js';

/**
 * (d) Cold start with the directory cached on disk: each run is a fresh `node --import tsx`
 * process (cold module cache and heap), so the figure includes everything a restart of the agent
 * pays after its modules are imported: store load (read, parse, validate, journal), index build,
 * listen. The OS file cache is warm (the folder was just written), as after a restart.
 */

export interface ColdStartRun {
  scriptAtMs: number;
  importMs: number;
  startMs: number;
  loadAndIndexMs: number | null;
  clients: number;
  rssBeforeStart: number;
  rssAfterStartNoGc: number;
  rss: number;
  heapUsed: number;
  heapTotal: number;
  external: number;
  arrayBuffers: number;
  gc: boolean;
}

export interface ColdStartBreakdown {
  shards: number;
  shardBytes: number;
  journalBytes: number;
  replayed: number;
  /** null when the shard files are not plain JSON documents. */
  readParseMs: number | null;
  storeLoadMs: number;
  indexMs: number;
  heapStoreBytes: number;
  heapIndexBytes: number;
  clients: number;
}

export interface ColdStartResult {
  runs: ColdStartRun[];
  startMs: number;
  importMs: number;
  loadAndIndexMs: number | null;
  rss: number;
  heapUsed: number;
  breakdown: ColdStartBreakdown;
}

export async function runColdStartBench(storeDir: string, runs: number, log: (s: string) => void): Promise<ColdStartResult> {
  // One unmeasured run first: it creates the store's secrets file and fills tsx's transform cache,
  // so every measured run starts from the same state.
  await runTsJson<ColdStartRun>('bench/children/cold-start.ts', [storeDir, 'agent'], ['--expose-gc']);
  const results: ColdStartRun[] = [];
  for (let i = 0; i < runs; i++) {
    const r = await runTsJson<ColdStartRun>('bench/children/cold-start.ts', [storeDir, 'agent'], ['--expose-gc']);
    log(`  run ${i + 1}: start ${Math.round(r.startMs)} ms (load+index ${r.loadAndIndexMs} ms), RSS ${(r.rss / 1048576).toFixed(0)} MB`);
    results.push(r);
  }
  const breakdown = await runTsJson<ColdStartBreakdown>('bench/children/cold-start.ts', [storeDir, 'breakdown'], ['--expose-gc']);
  const loads = results.map((r) => r.loadAndIndexMs).filter((x): x is number => x !== null);
  return {
    runs: results,
    startMs: median(results.map((r) => r.startMs)),
    importMs: median(results.map((r) => r.importMs)),
    loadAndIndexMs: loads.length ? median(loads) : null,
    rss: median(results.map((r) => r.rss)),
    heapUsed: median(results.map((r) => r.heapUsed)),
    breakdown,
  };
}

export interface BundleStartResult {
  /** spawn → the "listening" log line, per run (includes Node's start and module loading). */
  runsMs: number[];
  startMs: number;
  /** Resident memory of the running agent 1 s after it listens (no forced GC), per run. */
  rssRuns: number[];
  rss: number;
}

/**
 * (d) What an installer sees: `npm start` runs `node dist/main.mjs` (the esbuild bundle). Each run
 * is a fresh process on a copy of the store's config; time from spawn to "listening", and the
 * process's resident memory (VmRSS) a second later, without any forced GC.
 */
export async function runBundleStart(storeDir: string, runs: number, log: (s: string) => void): Promise<BundleStartResult> {
  const { execFileSync } = await import('node:child_process');
  const { readFileSync, writeFileSync } = await import('node:fs');
  const path = await import('node:path');
  const { REPO } = await import('./lib/child.js');
  execFileSync(process.execPath, ['build.mjs'], { cwd: REPO });
  const configFile = path.join(storeDir, 'bench-bundle.config.json');
  writeFileSync(configFile, JSON.stringify({ http: { host: '127.0.0.1', port: 0 }, api: { tokens: ['bench-token-0123456789abcdef'] }, store: { dir: storeDir } }));
  const runsMs: number[] = [];
  const rssRuns: number[] = [];
  for (let i = 0; i < runs + 1; i++) {
    const t0 = performance.now();
    const child = spawnBundle(configFile);
    let out = '';
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        if (out.includes('agent listening url=')) resolve();
      });
      child.on('exit', () => reject(new Error(`the agent exited before listening:\n${out}`)));
    });
    const ms = performance.now() - t0;
    await new Promise((r) => setTimeout(r, 1000));
    const rss = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))?.[1] ?? 0) * 1024;
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    if (i === 0) continue; // the first run creates the store's secrets: not measured
    log(`  bundle run ${i}: listening after ${Math.round(ms)} ms, RSS ${(rss / 1048576).toFixed(0)} MB`);
    runsMs.push(ms);
    rssRuns.push(rss);
  }
  return { runsMs, startMs: median(runsMs), rssRuns, rss: median(rssRuns) };
}
